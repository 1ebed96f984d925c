// The transports build on the core, and whoever uses them uses its types (descriptors,
// errors, metadata, interceptors, streams): one import gives both.
@_exported public import AtendeRPCCore
