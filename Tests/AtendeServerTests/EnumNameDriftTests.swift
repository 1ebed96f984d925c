import AtendeAPI
import AtendeDomain
import Testing

/// The domain spells its enums' values in history entries and metrics; it cannot use the
/// generated names (it does not depend on the API), so these tests keep the two spellings
/// the same, value by value (the wire and the domain share the numbers).
@Suite("The domain's enum names are the .proto's")
struct EnumNameDriftTests {
  @Test("ticket kind, ticket status, location origin and service-order status")
  func sameNames() {
    for value in AtendeDomain.TicketKind.allCases {
      #expect(AtendeAPI.TicketKind(rawValue: Int32(value.rawValue)).shortName == value.name)
    }
    for value in AtendeDomain.TicketStatus.allCases {
      #expect(AtendeAPI.TicketStatus(rawValue: Int32(value.rawValue)).shortName == value.name)
    }
    for value in AtendeDomain.LocationOrigin.allCases {
      #expect(AtendeAPI.LocationOrigin(rawValue: Int32(value.rawValue)).shortName == value.name)
    }
    for value in AtendeDomain.ServiceOrderStatus.allCases {
      #expect(AtendeAPI.ServiceOrderStatus(rawValue: Int32(value.rawValue)).shortName == value.name)
    }
  }
}
