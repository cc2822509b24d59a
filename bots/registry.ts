/**
 * A registry from intent to handler: built once, it refuses to exist when an intent has no handler or
 * a handler names no known intent, so a new intent cannot be forgotten in the conversation.
 */
export type Handler<C> = (turn: C) => Promise<string[]>;

export class IntentRegistry<K extends string, C> {
  private readonly handlers: Map<K, Handler<C>>;

  constructor(intents: readonly K[], handlers: Record<K, Handler<C>>) {
    const known = new Set<string>(intents);
    if (known.size !== intents.length) throw new Error('an intent is listed twice');
    for (const name of Object.keys(handlers)) if (!known.has(name)) throw new Error(`a handler for an unknown intent: ${name}`);
    for (const name of intents) if (typeof handlers[name] !== 'function') throw new Error(`no handler for the intent ${name}`);
    this.handlers = new Map(intents.map((k) => [k, handlers[k]]));
  }

  has(name: string): name is K {
    return this.handlers.has(name as K);
  }

  run(name: K, turn: C): Promise<string[]> {
    return this.handlers.get(name)!(turn);
  }
}
