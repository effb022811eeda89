import { useId, type ReactNode } from 'react';

/**
 * The line under a field: what is wrong with what was typed (announced), else what to type; with
 * the attributes the field takes to point at it.
 */
export function useFieldNote(problem: string | null, help: ReactNode) {
  const helpId = useId();
  const problemId = useId();
  return {
    invalid: problem !== null,
    describedBy: problem !== null ? problemId : helpId,
    note:
      problem !== null ? (
        <p className="error" role="alert" id={problemId}>
          {problem}
        </p>
      ) : (
        <p className="muted" id={helpId}>
          {help}
        </p>
      ),
  };
}
