import * as ClaudeCode from './ClaudeCode.js'
import * as ClaudeDesktop from './ClaudeDesktop.js'
import * as Cline from './Cline.js'
import * as Cursor from './Cursor.js'
import type * as Host from './Host.js'
import * as VsCode from './VsCode.js'
import * as Windsurf from './Windsurf.js'
import * as Zed from './Zed.js'

/** Every host `allowance install` knows, by the id the user types. */
export const all: readonly Host.Host[] = [ClaudeDesktop.host, ClaudeCode.host, Cursor.host, VsCode.host, Windsurf.host, Cline.host, Zed.host]

export function find(id: string): Host.Host | undefined {
  return all.find((host) => host.id === id)
}
