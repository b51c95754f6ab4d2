import { contextBridge } from 'electron'

// The renderer's whole view of the main process: typed, minimal, and free of secrets.
const api = {
  platform: process.platform,
}

export type AllowanceApi = typeof api

contextBridge.exposeInMainWorld('allowance', api)
