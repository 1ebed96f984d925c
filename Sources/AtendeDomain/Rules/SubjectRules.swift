public import Foundation

/// Changes to a subject: nil = unchanged. For optional values, `.some(nil)` clears.
public struct SubjectChanges: Sendable, Hashable {
  public var name: String?
  public var active: Bool?
  public var defaultPriority: Priority??
  public var defaultDepartmentID: Int64??
  public var contractRequired: Bool?
  public var loginRequired: Bool?
  public var channelRequired: Bool?
  public var complementaryStatusRequired: Bool?
  public var serviceOrderRequiresSignature: Bool?
  public var firstResponseSLAHours: Int??
  public var solutionSLAHours: Int??

  public init() {}
}

/// The rules of subjects, the same for every store: a name that is present, at most
/// ``maxNameLength`` characters and unique regardless of case; SLA hours within a year;
/// a default department that exists and is active when it is set or changed.
public enum SubjectRules {
  public static let maxNameLength = 120

  /// A new subject as it is stored: name trimmed, version 1, created and updated `now`,
  /// id 0 until the store assigns one.
  public static func new(_ subject: Subject, now: Date) -> Subject {
    var subject = subject
    subject.id = 0
    subject.name = subject.name.trimmingCharacters(in: .whitespacesAndNewlines)
    subject.version = 1
    subject.createdAt = now
    subject.updatedAt = now
    return subject
  }

  /// `current` with `changes` applied (the name trimmed); version and times unchanged.
  public static func applying(_ changes: SubjectChanges, to current: Subject) -> Subject {
    var next = current
    if let name = changes.name { next.name = name.trimmingCharacters(in: .whitespacesAndNewlines) }
    if let value = changes.active { next.active = value }
    if let value = changes.defaultPriority { next.defaultPriority = value }
    if let value = changes.defaultDepartmentID { next.defaultDepartmentID = value }
    if let value = changes.contractRequired { next.contractRequired = value }
    if let value = changes.loginRequired { next.loginRequired = value }
    if let value = changes.channelRequired { next.channelRequired = value }
    if let value = changes.complementaryStatusRequired { next.complementaryStatusRequired = value }
    if let value = changes.serviceOrderRequiresSignature { next.serviceOrderRequiresSignature = value }
    if let value = changes.firstResponseSLAHours { next.firstResponseSLAHours = value }
    if let value = changes.solutionSLAHours { next.solutionSLAHours = value }
    return next
  }

  /// Validates `subject` before it is stored. `checkDepartment` is true when the default
  /// department is new or changed (an inactive one stays valid on a subject that already
  /// had it); `lookup` then reads it. `nameTakenBy` is the id of another subject with the
  /// same name regardless of case, if any (ALREADY_EXISTS).
  public static func validate(
    _ subject: Subject, checkDepartment: Bool, lookup: some ReferenceLookup, nameTakenBy: Int64?
  ) throws {
    var violations = Violations()
    if subject.name.isEmpty {
      violations.invalid("subject.name", "REQUIRED", "name is required")
    } else if subject.name.count > maxNameLength {
      violations.invalid("subject.name", "TOO_LONG", "name must be at most \(maxNameLength) characters")
    }
    for (field, hours) in [
      ("first_response_sla_hours", subject.firstResponseSLAHours), ("solution_sla_hours", subject.solutionSLAHours),
    ] {
      if let hours, hours < 0 || hours > 24 * 365 {
        violations.invalid("subject.\(field)", "OUT_OF_RANGE", "\(field) must be between 0 and 8760 hours")
      }
    }
    if checkDepartment, let departmentID = subject.defaultDepartmentID {
      if let department = try lookup.department(departmentID) {
        if !department.active {
          violations.precondition(
            "subject.default_department_id", "INACTIVE", "department \(department.name) is inactive")
        }
      } else {
        violations.invalid("subject.default_department_id", "NOT_FOUND", "department \(departmentID) does not exist")
      }
    }
    if !subject.name.isEmpty, let other = nameTakenBy {
      throw DomainError(
        .alreadyExists, "a subject named \(subject.name) exists already (id \(other))",
        violations: [.init(field: "subject.name", reason: "ALREADY_EXISTS", description: "the name is taken")])
    }
    try violations.throwIfAny("invalid subject")
  }

  /// The history entries of an update from `old` to `new`: one FIELD_CHANGED per field.
  public static func history(from old: Subject, to new: Subject, actor: String, at now: Date) -> [HistoryEntry] {
    func text<T>(_ value: T?) -> String { value.map { "\($0)" } ?? "" }
    let pairs: [(String, String, String)] = [
      ("name", old.name, new.name),
      ("active", "\(old.active)", "\(new.active)"),
      ("default_priority", text(old.defaultPriority).uppercased(), text(new.defaultPriority).uppercased()),
      ("default_department_id", text(old.defaultDepartmentID), text(new.defaultDepartmentID)),
      ("contract_required", "\(old.contractRequired)", "\(new.contractRequired)"),
      ("login_required", "\(old.loginRequired)", "\(new.loginRequired)"),
      ("channel_required", "\(old.channelRequired)", "\(new.channelRequired)"),
      ("complementary_status_required", "\(old.complementaryStatusRequired)", "\(new.complementaryStatusRequired)"),
      (
        "service_order_requires_signature", "\(old.serviceOrderRequiresSignature)",
        "\(new.serviceOrderRequiresSignature)"
      ),
      ("first_response_sla_hours", text(old.firstResponseSLAHours), text(new.firstResponseSLAHours)),
      ("solution_sla_hours", text(old.solutionSLAHours), text(new.solutionSLAHours)),
    ]
    return pairs.filter { $0.1 != $0.2 }.map { field, old, new in
      HistoryEntry(at: now, actor: actor, kind: HistoryKind.fieldChanged, field: field, oldValue: old, newValue: new)
    }
  }
}

/// The rules of the general parameters: versioned changes, each recorded.
public enum ParameterRules {
  /// The parameters after setting `subjectRequired` (nil = unchanged), by `actor` at
  /// `now`, with the history entry to record; nil when nothing changes. The version must
  /// be the current one (``Versioning/check(_:current:what:)``).
  public static func update(
    _ current: GeneralParameters, expectedVersion: Int64, subjectRequired: Bool?, actor: String, now: Date
  ) throws -> (parameters: GeneralParameters, entry: HistoryEntry)? {
    try Versioning.check(expectedVersion, current: current.version, what: "the general parameters")
    guard let subjectRequired, subjectRequired != current.subjectRequired else { return nil }
    var next = current
    next.subjectRequired = subjectRequired
    next.version += 1
    next.updatedAt = now
    next.updatedBy = actor
    let entry = HistoryEntry(
      at: now, actor: actor, kind: HistoryKind.fieldChanged, field: "subject_required",
      oldValue: String(current.subjectRequired), newValue: String(subjectRequired))
    return (next, entry)
  }
}
