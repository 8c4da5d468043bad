import type { ReactNode } from "react";
import { keyOf, move, removeAt, replaceAt } from "./ordered";

export interface Keyed {
  key: string;
  label: string;
}

/**
 * An ordered list of labelled entries (case types, statuses, substatuses): rename, move up or
 * down, remove, add. Saved keys are fixed — records store them — so "rename" changes the label; a
 * new entry's key follows its label until the key is edited.
 */
export function OrderedItems<T extends Keyed>({
  noun,
  idPrefix,
  items,
  savedKeys,
  onChange,
  create,
  children,
}: {
  noun: string;
  idPrefix: string;
  items: T[];
  savedKeys: ReadonlySet<string>;
  onChange(items: T[]): void;
  create(): T;
  children?: (item: T, update: (item: T) => void, index: number) => ReactNode;
}) {
  return (
    <div>
      {items.map((item, index) => {
        const id = `${idPrefix}-${index}`;
        const saved = savedKeys.has(item.key);
        const update = (next: T) => onChange(replaceAt(items, index, next));
        return (
          <div className="vocab-item" key={id} data-testid={id}>
            <div className="inline">
              <label className="visually-hidden" htmlFor={`${id}-label`}>
                {noun} {index + 1} label
              </label>
              <input
                id={`${id}-label`}
                type="text"
                value={item.label}
                placeholder={`${noun} label`}
                onChange={(e) =>
                  update({
                    ...item,
                    label: e.target.value,
                    key: saved || item.key !== keyOf(item.label) ? item.key : keyOf(e.target.value),
                  })
                }
              />
              <label className="visually-hidden" htmlFor={`${id}-key`}>
                {noun} {index + 1} key
              </label>
              <input
                id={`${id}-key`}
                type="text"
                className="mono"
                value={item.key}
                readOnly={saved}
                title={saved ? "Saved keys are fixed: records refer to them." : undefined}
                onChange={(e) => update({ ...item, key: e.target.value })}
              />
              <button
                type="button"
                className="button button-small"
                aria-label={`Move ${item.label || noun} up`}
                disabled={index === 0}
                onClick={() => onChange(move(items, index, -1))}
              >
                ↑
              </button>
              <button
                type="button"
                className="button button-small"
                aria-label={`Move ${item.label || noun} down`}
                disabled={index === items.length - 1}
                onClick={() => onChange(move(items, index, 1))}
              >
                ↓
              </button>
              <button
                type="button"
                className="button button-small button-quiet"
                aria-label={`Remove ${item.label || noun}`}
                onClick={() => onChange(removeAt(items, index))}
              >
                Remove
              </button>
            </div>
            {children?.(item, update, index)}
          </div>
        );
      })}
      <button type="button" className="button button-small" onClick={() => onChange([...items, create()])}>
        Add {noun.toLowerCase()}
      </button>
    </div>
  );
}
