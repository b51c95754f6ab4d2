/// <reference types="vite/client" />

import type { AllowanceApi } from '../../preload/index.js'

declare global {
  interface Window {
    /** Present in the desktop app (its preload); absent when the companion serves the UI headless. */
    allowance?: AllowanceApi
  }
}
