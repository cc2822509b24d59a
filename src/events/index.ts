/** The events module's front door: what other modules may use. */
export { emit, EventEnvelope, EVENT_TYPES, eventSchemas, type DomainEvent, type EventData, type EventType } from './events';
