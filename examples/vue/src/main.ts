import { createApp } from "vue";
import { STYLE } from "../../shared/session.ts";
import App from "./App.vue";

document.head.append(Object.assign(document.createElement("style"), { textContent: STYLE }));
createApp(App).mount("#app");
