import { Group } from '@visx/group'
import { scaleBand, scaleLinear } from '@visx/scale'
import { BarStack } from '@visx/shape'
import * as Amount from '../../main/payments/Amount.js'
import type * as Api from './Api.js'

const width = 1040
const height = 220
const margin = { top: 12, right: 8, bottom: 24, left: 64 }
const innerWidth = width - margin.left - margin.right
const innerHeight = height - margin.top - margin.bottom
/** Series colours are CSS classes (`series-0` …), so the chart needs no inline style under the page's CSP. */
const palette = 8

/** "Mar 4" for `2026-03-04`, read as a calendar day (no time zone can shift it). */
function date(day: string): string {
  const [year, month, date] = day.split('-').map(Number) as [number, number, number]
  return new Date(year, month - 1, date).toLocaleDateString(undefined, { month: 'short', day: 'numeric' })
}

/** `2026-03-04` for today, on this computer's calendar. */
function todayKey(): string {
  const now = new Date()
  const two = (value: number) => String(value).padStart(2, '0')
  return `${now.getFullYear()}-${two(now.getMonth() + 1)}-${two(now.getDate())}`
}

/**
 * Spend per day, stacked per server, drawn as SVG by React with visx's scales and stack layout.
 * Amounts arrive as integer strings of atomic units; they become numbers here only for bar
 * geometry: every amount shown is formatted from the BigInt, with the unit the companion gave.
 */
export function SpendChart(props: { chart: Api.SpendChart }) {
  const { chart } = props
  const today = todayKey()
  /** "Today", else "Mar 4". */
  const dayLabel = (day: string) => (day === today ? 'Today' : date(day))
  const money = (atomic: bigint) => Amount.formatWithSymbol(atomic, chart.unit)
  const keys = chart.servers.map((_, index) => String(index))
  const data = chart.days.map((day) => ({ day: day.day, ...Object.fromEntries(day.amounts.map((amount, index) => [String(index), Number(amount)])) }))
  const highest = chart.days.reduce((max, day) => {
    const total = day.amounts.reduce((sum, amount) => sum + BigInt(amount), 0n)
    return total > max ? total : max
  }, 0n)
  const x = scaleBand({ domain: chart.days.map((day) => day.day), range: [0, innerWidth], padding: 0.25 })
  const y = scaleLinear({ domain: [0, Math.max(Number(highest), 1)], range: [innerHeight, 0], nice: true })
  const ticks = y.ticks(4).filter(Number.isInteger)
  const every = Math.ceil(chart.days.length / 8)
  // Today is always labelled; a label too close to it gives way.
  const todayIndex = chart.days.findIndex((day) => day.day === today)
  const labelled = (index: number) => index === todayIndex || (index % every === 0 && (todayIndex < 0 || Math.abs(todayIndex - index) >= every))
  const first = chart.days[0]?.day
  const last = chart.days.at(-1)?.day
  const unitName = chart.unit.key === 'usd' ? 'US dollars' : chart.unit.symbol
  const summary = `Spend per day and server, ${first && date(first)} to ${last && (last === today ? 'today' : date(last))}, in ${unitName}`

  return (
    <figure className="chart">
      <figcaption>Daily spend per server ({unitName})</figcaption>
      <svg viewBox={`0 0 ${width} ${height}`} role="img" aria-label={summary}>
        <Group left={margin.left} top={margin.top}>
          {ticks.map((tick) => (
            <g key={tick} className="tick" transform={`translate(0, ${y(tick)})`}>
              <line x2={innerWidth} />
              <text x={-8} dy="0.32em" textAnchor="end">
                {money(BigInt(tick))}
              </text>
            </g>
          ))}
          <BarStack data={data} keys={keys} x={(datum) => datum.day} xScale={x} yScale={y} color={(key) => key}>
            {(stacks) =>
              stacks.map((stack) =>
                stack.bars
                  .filter((bar) => bar.height > 0)
                  .map((bar) => {
                    const day = chart.days[bar.index]!
                    const server = chart.servers[stack.index]!
                    return (
                      <rect key={`${stack.index}-${bar.index}`} className={`series-${stack.index % palette}`} x={bar.x} y={bar.y} width={bar.width} height={bar.height}>
                        <title>{`${dayLabel(day.day)} · ${server.label}: ${money(BigInt(day.amounts[stack.index]!))}`}</title>
                      </rect>
                    )
                  }),
              )
            }
          </BarStack>
          {chart.days.map((day, index) =>
            labelled(index) ? (
              <text key={day.day} className={index === todayIndex ? 'day today' : 'day'} x={(x(day.day) ?? 0) + x.bandwidth() / 2} y={innerHeight + 16} textAnchor="middle">
                {dayLabel(day.day)}
              </text>
            ) : null,
          )}
        </Group>
      </svg>
      <ul className="legend" aria-label="Spend per server">
        {chart.servers.map((server, index) => (
          <li key={server.label}>
            <svg className="swatch" viewBox="0 0 10 10" aria-hidden="true">
              <rect className={`series-${index % palette}`} width="10" height="10" rx="2" />
            </svg>
            {server.label} <strong>{server.total}</strong>
          </li>
        ))}
      </ul>
      <details className="chart-table">
        <summary>Daily spend as a table</summary>
        <table aria-label={`Daily spend (${unitName})`}>
          <thead>
            <tr>
              <th scope="col">Day</th>
              <th scope="col" className="money">Total</th>
              {chart.servers.map((server) => (
                <th scope="col" className="money" key={server.label}>
                  {server.label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {chart.days
              .filter((day) => day.amounts.some((amount) => amount !== '0'))
              .map((day) => (
                <tr key={day.day}>
                  <th scope="row">{dayLabel(day.day)}</th>
                  <td className="money">{day.total}</td>
                  {day.amounts.map((amount, index) => (
                    <td className="money" key={index}>
                      {money(BigInt(amount))}
                    </td>
                  ))}
                </tr>
              ))}
          </tbody>
        </table>
      </details>
    </figure>
  )
}
