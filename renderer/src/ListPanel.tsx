import { type ReactNode, useId } from 'react'
import { ChangeNotice } from './ChangeNotice.js'
import type { Change } from './useChange.js'
import type { Loaded } from './useLoaded.js'

/**
 * A Rules & budgets panel listing what the user set up, one table row each: its heading, the
 * loading problem, a sentence when the list is empty, the table, and what the last change did.
 */
export function ListPanel<T extends { id: number }>(props: ListPanel.Props<T>) {
  const { title, items, empty, columns, row, change } = props
  const heading = useId()
  return (
    <section className="panel" aria-labelledby={heading}>
      <h2 id={heading}>{title}</h2>
      {items.problem && <p role="alert" className="problem">{items.problem}</p>}
      {items.value?.length === 0 && <p className="empty">{empty}</p>}
      {items.value && items.value.length > 0 && (
        <table aria-label={title}>
          <thead>
            <tr>
              {columns}
              <th scope="col"><span className="visually-hidden">Actions</span></th>
            </tr>
          </thead>
          <tbody>{items.value.map((item) => <tr key={item.id}>{row(item)}</tr>)}</tbody>
        </table>
      )}
      <ChangeNotice change={change} />
    </section>
  )
}

export declare namespace ListPanel {
  type Props<T> = {
    title: string
    items: Loaded<T[]>
    /** What an empty list means, and how an entry gets there. */
    empty: string
    /** The header cells, but the actions'. */
    columns: ReactNode
    /** A row's cells, its actions last. */
    row(item: T): ReactNode
    change: Change
  }
}
