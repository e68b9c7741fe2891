import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { STYLE } from "../../shared/session.ts";
import { App } from "./App.tsx";

document.head.append(Object.assign(document.createElement("style"), { textContent: STYLE }));
createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
