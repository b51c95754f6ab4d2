/**
 * What the bridge advertises upstream in `capabilities.experimental.payment`: the MPP methods
 * and intents Allowance can pay with. Informational only; servers must not rely on it.
 */
export const advertised = {
  methods: {
    evm: { intents: ['charge'] },
    tempo: { intents: ['charge', 'session', 'subscription'] },
    stripe: { intents: ['charge'] },
  },
} as const
