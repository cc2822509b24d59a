/** The metrics module's front door: what other modules, the jobs, the bots and the server may use; nothing else of it is imported from outside. */
export { deploymentMetrics, type DeploymentFigures } from './deployment';
export { httpMetrics, metricsRouter, serveMetrics } from './http';
export { Metrics } from './registry';
