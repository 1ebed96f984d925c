internal import AtendeStore

// Store types whose names clash with AtendeAPI's. `AtendeStore.X` cannot name them (it
// resolves to the `AtendeStore` protocol), so they are aliased here, in a file that does
// not import AtendeAPI.

/// The store's filter of reference listings (AtendeAPI has a wire `ReferenceFilter`).
typealias StoreReferenceFilter = ReferenceFilter

/// The store's metrics (AtendeAPI has a wire `TicketMetrics`).
typealias StoreTicketMetrics = TicketMetrics
