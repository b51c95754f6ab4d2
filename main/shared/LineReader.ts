/**
 * Splits a stream of text into lines, for the newline-delimited JSON every local channel of
 * Allowance speaks (host ↔ bridge, bridge ↔ stdio upstream, bridge ↔ companion). A line longer
 * than `maxLength` is dropped and reported rather than buffered without end.
 */
export class LineReader {
  private buffer = ''
  private discarding = false

  constructor(
    private readonly onLine: (line: string) => void,
    private readonly onOverlong: (length: number) => void = () => {},
    private readonly maxLength = 64 * 1024 * 1024,
  ) {}

  push(chunk: string): void {
    this.buffer += chunk
    let newline: number
    while ((newline = this.buffer.indexOf('\n')) !== -1) {
      const line = this.buffer.slice(0, newline)
      this.buffer = this.buffer.slice(newline + 1)
      if (this.discarding) this.discarding = false
      else if (line.trim() !== '') this.onLine(line)
    }
    if (this.buffer.length > this.maxLength) {
      if (!this.discarding) this.onOverlong(this.buffer.length)
      this.discarding = true
      this.buffer = ''
    }
  }
}
