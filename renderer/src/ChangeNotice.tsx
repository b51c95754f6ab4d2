import type { Change } from './useChange.js'

/** What the last change did, or why it was refused. */
export function ChangeNotice(props: { change: Change }) {
  const { message, problem } = props.change
  return (
    <>
      {problem && (
        <p role="alert" className="problem">
          {problem}
        </p>
      )}
      <p role="status" className="notice">
        {message}
      </p>
    </>
  )
}
