internal import AtendeAPI
internal import AtendeDomain

extension AtendeAPI.GeneralParameters {
  init(_ parameters: AtendeDomain.GeneralParameters) {
    self.init(
      subjectRequired: parameters.subjectRequired, version: parameters.version,
      updatedAt: Google_Protobuf_Timestamp(date: parameters.updatedAt), updatedBy: parameters.updatedBy)
  }
}
