/** Files Vite hands over as an address (the map's worker script) or loads as a side effect (the map's stylesheet). */
declare module '*?url' {
  const url: string;
  export default url;
}
declare module '*.css';
