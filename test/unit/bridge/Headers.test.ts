import { describe, expect, it } from 'vitest'
import * as Headers from '../../../main/bridge/Headers.js'

describe('Headers.parse', () => {
  it('reads "Name: value" and "Name:value", expanding ${VAR} from the environment', () => {
    expect(Headers.parse(['Authorization: Bearer ${TOKEN}', 'X-Team:${TEAM}-x'], { TOKEN: 'abc', TEAM: 'red' })).toEqual({
      Authorization: 'Bearer abc',
      'X-Team': 'red-x',
    })
  })

  it('refuses a header without a name, a variable that is not set, and a value with a line break', () => {
    expect(() => Headers.parse(['no colon here'])).toThrow(/not of the form "Name: value"/)
    expect(() => Headers.parse([': value'])).toThrow(/not of the form/)
    expect(() => Headers.parse(['Authorization: Bearer ${MISSING}'], {})).toThrow('--header Authorization uses ${MISSING}, which is not set in the environment.')
    expect(() => Headers.parse(['X-Evil: ${V}'], { V: 'a\r\nInjected: yes' })).toThrow(/line break/)
  })
})
