import { createContext, useContext } from 'react';
import type { ReferenceOption } from '../model/references';

/** What every field of a node's form needs besides its own value. */
export interface FormContextValue {
  /** References the node's fields may insert (from upstream nodes, start inputs, env). */
  references: readonly ReferenceOption[];
  /** Problems of the last save or publish, by the pointer of the control that shows them. */
  problems: ReadonlyMap<string, readonly string[]>;
  readOnly: boolean;
}

export const FormContext = createContext<FormContextValue>({ references: [], problems: new Map(), readOnly: false });

export function useFormContext(): FormContextValue {
  return useContext(FormContext);
}

/** The problems shown at a control, as one message (the field frame shows one). */
export function useProblemAt(pointer: string): string | undefined {
  const messages = useFormContext().problems.get(pointer);
  return messages && messages.length > 0 ? messages.join(' ') : undefined;
}
