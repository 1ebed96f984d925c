import AtendeAPI
import AtendeServer
import AtendeStore
import AtendeStoreTestSupport
import Foundation
import InMemoryTracing
import Logging
import Testing
import Tracing

@Suite("Tracing: one trace from the client through the server to the store")
struct TracingTests {
  @Test("with an in-memory tracer, a traced caller's calls make one trace: client span, server span, store spans")
  func oneTrace() async throws {
    let tracer = InMemoryTracer()
    try await withStore(.sqlite) { store in
      try await DemoData.load(into: store)
      let auth = try await TestAuth(store)
      let server = try AtendeServer.makeServer(
        configuration: inProcessOnly, store: store, files: try temporaryFileStorage(), auth: auth.configuration,
        tracer: tracer, logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
      try await withRPCServer(server) { server in
        let client = RPCClient(inProcess: server, configuration: auth.adminClient)
        defer { client.close() }
        try await withTracer(tracer) {
          try await withSpan("support desk: look up a ticket") { _ in
            _ = try await ParameterService.Client(client).getParameters(GetParametersRequest())
            let missing = await failure {
              _ = try await TicketService.Client(client).getTicket(GetTicketRequest(key: .id(424_242)))
            }
            #expect(missing?.code == .notFound)
          }
        }
        // An untraced call: a server span of its own trace, nothing on the client.
        _ = try await IdentityService.Client(client).whoAmI(WhoAmIRequest())
      }
    }
    let spans = tracer.finishedSpans
    let root = try #require(spans.first { $0.operationName == "support desk: look up a ticket" })
    let trace = spans.filter { $0.traceID == root.traceID }
    func span(_ name: String, _ kind: SpanKind) throws -> FinishedInMemorySpan {
      try #require(trace.first { $0.operationName == name && $0.kind == kind }, "\(name) \(kind) in \(trace)")
    }
    for method in ["atende.parameters.v1.ParameterService/GetParameters", "atende.tickets.v1.TicketService/GetTicket"] {
      let client = try span(method, .client)
      let server = try span(method, .server)
      #expect(client.parentSpanID == root.spanID)
      #expect(server.parentSpanID == client.spanID)
      #expect(server.attributes["rpc.system"]?.toSpanAttribute() == "atende")
      #expect(server.attributes["rpc.method"]?.toSpanAttribute() == .string(method.components(separatedBy: "/")[1]))
      // The store's transactions, under the server's span.
      let store = trace.filter { $0.parentSpanID == server.spanID && $0.kind == .client }
      #expect(!store.isEmpty, "no store span under \(method)")
      #expect(store.allSatisfy { $0.operationName.hasPrefix("sqlite ") })
      #expect(store.allSatisfy { $0.attributes["db.system"]?.toSpanAttribute() == "sqlite" })
    }
    let notFound = try span("atende.tickets.v1.TicketService/GetTicket", .server)
    #expect(notFound.attributes["rpc.atende.status_code"]?.toSpanAttribute() == 5)
    #expect(notFound.errors.count == 1)

    let untraced = try #require(
      spans.first { $0.operationName == "atende.auth.v1.IdentityService/WhoAmI" && $0.kind == .server })
    #expect(untraced.traceID != root.traceID)
    #expect(untraced.parentSpanID == nil)
    #expect(!spans.contains { $0.operationName == "atende.auth.v1.IdentityService/WhoAmI" && $0.kind == .client })
  }

  @Test("a W3C traceparent in a call's metadata puts its trace id in the call's logs and access-log line")
  func traceParentInLogs() async throws {
    let access = LogCapture()
    try await withAdminServer(accessLog: access) { server in
      let client = server.makeClient(token: server.adminToken)
      defer { client.close() }
      let traceParent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
      _ = try await IdentityService.Client(client).whoAmI(
        WhoAmIRequest(), options: CallOptions(metadata: ["traceparent": traceParent]))
      _ = try await IdentityService.Client(client).whoAmI(
        WhoAmIRequest(), options: CallOptions(metadata: ["traceparent": "not a trace"]))
      let lines = access.entries.filter { $0.message == "call" }
      #expect(lines.count == 2)
      #expect(lines.first?.metadata["trace_id"] == "4bf92f3577b34da6a3ce929d0e0e4736")
      #expect(lines.last?.metadata["trace_id"] == nil)
    }
  }
}
