import type { Approval, Option } from './Api.js'

type Flag = { level: 'danger' | 'warning' | 'info'; text: string }

/** Rule-based risk signals (in the manner of Rabby's rules): each one a plain sentence, worst first. */
export function RiskFlags(props: { approval: Approval; option: Option }) {
  const flags = risks(props.approval, props.option)
  if (flags.length === 0) return null
  const order = { danger: 0, warning: 1, info: 2 }
  return (
    <ul className="flags" aria-label="Risk flags">
      {flags
        .sort((a, b) => order[a.level] - order[b.level])
        .map((flag) => (
          <li key={flag.text} className={`flag ${flag.level}`}>
            {flag.text}
          </li>
        ))}
    </ul>
  )
}

function risks(approval: Approval, option: Option): Flag[] {
  const flags: Flag[] = []
  const reasons = new Set(approval.reasons)
  if (reasons.has('paying_twice')) {
    const sent = approval.alreadySent ? ` (${approval.alreadySent})` : ''
    flags.push({ level: 'danger', text: `The server asked again after it was sent a payment for this call${sent}: paying means paying twice` })
  }
  if (reasons.has('recipient_changed')) flags.push({ level: 'danger', text: 'The recipient is not the one of the first payment' })
  if (reasons.has('currency_changed')) flags.push({ level: 'danger', text: 'The currency is not the one of the first payment' })
  if (reasons.has('chain_changed')) flags.push({ level: 'danger', text: 'The chain is not the one of the first payment' })
  const subscribing = reasons.has('subscription')
  if (reasons.has('amount_increased')) flags.push({ level: 'danger', text: subscribing ? 'It asks more per period than the subscription you approved' : 'It asks more than the first payment' })
  if (reasons.has('period_shortened')) flags.push({ level: 'danger', text: 'Its period is shorter than the subscription you approved: it would charge more often' })
  if (subscribing) flags.push({ level: 'info', text: 'A subscription: the server charges this amount every period until you cancel it or it ends, without asking again' })
  if (approval.rechallenges >= 3) flags.push({ level: 'warning', text: `This server asked to be paid again ${approval.rechallenges} times this week after it was sent a payment` })
  if (reasons.has('loop')) flags.push({ level: 'danger', text: 'The same call was paid several times just now: the agent may be looping' })
  if (option.flags.includes('declared_decimals_mismatch')) flags.push({ level: 'danger', text: "The server misstated the token's decimals" })
  if (reasons.has('new_server')) flags.push({ level: 'warning', text: 'First payment to this server' })
  if (reasons.has('new_recipient')) flags.push({ level: 'warning', text: 'First payment to this recipient' })
  if (approval.realmDiffers) flags.push({ level: 'warning', text: `The payment realm ${approval.realm} is not the server's address` })
  if (approval.advertised?.differs) flags.push({ level: 'danger', text: `The server advertises ${approval.advertised.price} for this call, but asks ${option.amount}` })
  if (approval.previousPrice) flags.push({ level: 'warning', text: `Costs more than last time (${approval.previousPrice})` })
  if (option.fee) flags.push({ level: 'info', text: `Plus a network fee of at most ${option.fee}, paid by your wallet and counted in your budgets` })
  if (option.escrow) flags.push({ level: 'info', text: option.escrow })
  if (option.upTo) flags.push({ level: 'info', text: 'The server settles what the call used, at most this amount; your budget holds all of it until the chain shows what moved' })
  if (option.testnet) flags.push({ level: 'info', text: 'Test network: this token has no real value' })
  if (option.flags.includes('no_expiry')) flags.push({ level: 'info', text: 'The request has no expiry' })
  if (reasons.has('above_auto_approve')) flags.push({ level: 'info', text: 'Above your auto-approve limit' })
  return flags
}
