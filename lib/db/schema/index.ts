export * from "./core";
export * from "./commerce";
export * from "./ontraport";
