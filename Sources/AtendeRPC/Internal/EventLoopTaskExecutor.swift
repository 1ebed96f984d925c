internal import NIOCore

/// Runs the jobs of handler tasks on a connection's event loop.
///
/// A handler task that prefers this executor starts, and resumes after each `await`, on
/// the thread that reads and writes its connection, so a call costs no hop between the
/// event loop and the global executor's threads. Work that blocks never runs here: the
/// store runs its queries on its own queue (GRDB's database actor) and file contents are
/// read and written on a thread pool, so the loop only waits for their results.
///
/// Jobs enqueued after the loop has shut down are never run (NIO drops them), so tasks
/// that prefer this executor must not outlive their event loop group; the servers and
/// clients here use the process-wide singleton group, which never shuts down.
final class EventLoopTaskExecutor: TaskExecutor, @unchecked Sendable {
  let eventLoop: any EventLoop

  init(_ eventLoop: any EventLoop) {
    self.eventLoop = eventLoop
  }

  func enqueue(_ job: consuming ExecutorJob) {
    let job = UnownedJob(job)
    eventLoop.execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
  }
}
