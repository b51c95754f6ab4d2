import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach } from 'vitest'
import * as Database from '../../../main/ledger/Database.js'

const opened: { db: Database.Database; dir?: string }[] = []

afterEach(() => {
  for (const { db, dir } of opened.splice(0)) {
    if (db.open) db.close()
    if (dir) rmSync(dir, { recursive: true, force: true })
  }
})

/** A fresh ledger file in its own temporary directory, closed and removed after the test. */
export function ledger(): Database.Database & { path: string } {
  const dir = mkdtempSync(join(tmpdir(), 'allowance-ledger-'))
  const path = join(dir, 'ledger.sqlite')
  const db = Database.open(path)
  opened.push({ db, dir })
  return Object.assign(db, { path })
}

/** Opens another connection to the same file (as a second process would), closed after the test. */
export function reopen(path: string): Database.Database {
  const db = Database.open(path)
  opened.unshift({ db })
  return db
}
