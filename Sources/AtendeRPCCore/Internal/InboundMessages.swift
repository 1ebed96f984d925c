package import NIOCore

/// The raw messages of one direction of a call, with backpressure: when the consumer
/// falls behind, the connection stops reading until it catches up.
package typealias InboundMessages = NIOThrowingAsyncSequenceProducer<
  ByteBuffer, any Error, NIOAsyncSequenceProducerBackPressureStrategies.HighLowWatermark, InboundMessagesDelegate
>

/// Tells the connection when a call's consumer wants more or went away.
package struct InboundMessagesDelegate: NIOAsyncSequenceProducerDelegate {
  let onProduceMore: @Sendable () -> Void
  let onTerminate: @Sendable () -> Void

  package init(onProduceMore: @escaping @Sendable () -> Void, onTerminate: @escaping @Sendable () -> Void) {
    self.onProduceMore = onProduceMore
    self.onTerminate = onTerminate
  }

  package func produceMore() { onProduceMore() }
  package func didTerminate() { onTerminate() }
}

extension InboundMessages {
  /// A new stream buffering up to 16 messages before asking the connection to pause.
  package static func make(delegate: InboundMessagesDelegate) -> NewSequence {
    makeSequence(
      backPressureStrategy: .init(lowWatermark: 4, highWatermark: 16),
      finishOnDeinit: false,
      delegate: delegate)
  }
}
