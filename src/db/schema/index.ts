export * from './regions';
export * from './access';
export * from './audit';
export * from './registry';
export * from './imports';
export * from './market';
export * from './outreach';
export * from './chat';
