export * from './regions';
export * from './access';
export * from './audit';
