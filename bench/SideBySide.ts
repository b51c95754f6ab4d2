/** Timing for the paid-call benches: two paths, each a free call and a paid one, measured alike. */
export type Path = {
  free: (i: number) => Promise<unknown>
  paid: (i: number) => Promise<unknown>
  /** Resolves once the settlement work the paid call started is over (untimed). */
  settled: () => Promise<void>
}
export type Latencies = { free: number[]; paid: number[] }

/**
 * Times the paths call by call, alternating between them, so that whatever else the shared machine
 * is doing slows both alike rather than whichever happens to run second. The first `warmup`
 * rounds are not recorded.
 */
export async function timedSideBySide(paths: Path[], calls: number, warmup: number): Promise<Latencies[]> {
  const latencies = paths.map((): Latencies => ({ free: [], paid: [] }))
  const time = async (call: (i: number) => Promise<unknown>, i: number, into: number[] | undefined) => {
    const started = performance.now()
    await call(i)
    into?.push(performance.now() - started)
  }
  for (let i = -warmup; i < calls; i++) {
    for (const [index, path] of paths.entries()) {
      await time(path.free, i, i < 0 ? undefined : latencies[index]!.free)
      await time(path.paid, i, i < 0 ? undefined : latencies[index]!.paid)
      await path.settled()
    }
  }
  return latencies
}

/** Polls `done` until it holds; false if it did not within `timeoutMs`. */
export async function until(done: () => boolean | Promise<boolean>, everyMs: number, timeoutMs = 15_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs
  while (!(await done())) {
    if (Date.now() > deadline) return false
    await new Promise((resolve) => setTimeout(resolve, everyMs))
  }
  return true
}
