import { createInterface } from 'node:readline'
import { Writable } from 'node:stream'
import * as SecretStore from '../wallet/SecretStore.js'

/**
 * The wallet's passphrase, as a person gives it to the CLI: typed at a hidden prompt on a terminal,
 * or the first line piped on stdin (`printf '%s\n' "$PASS" | allowance wallet unlock`). Never
 * from argv, where other processes could read it; ALLOWANCE_WALLET_PASSPHRASE stays for automation.
 */
export async function read(options: { confirm?: boolean; purpose: string }): Promise<string> {
  if (!process.stdin.isTTY) return firstLine()
  const typed = await hidden(`${options.purpose}: `)
  if (options.confirm) {
    if (typed.length < SecretStore.minimumPassphrase) throw new SecretStore.WeakPassphraseError()
    if ((await hidden('Type it again: ')) !== typed) throw new Error('The two passphrases differ; nothing was changed.')
  }
  return typed
}

/** The first line on a piped stdin, without its line ending; the rest is left unread. */
function firstLine(): Promise<string> {
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: process.stdin, terminal: false })
    let answered = false
    lines.once('line', (line) => {
      answered = true
      lines.close()
      process.stdin.pause()
      resolve(line)
    })
    lines.once('close', () => answered || reject(new Error('No passphrase: type it at a terminal, or pipe it on stdin (one line).')))
  })
}

/** A prompt on stderr whose answer is not echoed. */
function hidden(prompt: string): Promise<string> {
  let muted = false
  const output = new Writable({
    write(chunk, _encoding, done) {
      if (!muted) process.stderr.write(chunk)
      done()
    },
  })
  const line = createInterface({ input: process.stdin, output, terminal: true })
  return new Promise((resolve, reject) => {
    line.question(prompt, (answer) => {
      process.stderr.write('\n')
      line.close()
      resolve(answer)
    })
    muted = true
    line.once('SIGINT', () => {
      process.stderr.write('\n')
      line.close()
      reject(new Error('Cancelled; nothing was changed.'))
    })
  })
}
