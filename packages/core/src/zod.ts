import { extendZodWithOpenApi } from "@asteasolutions/zod-to-openapi";
import { z } from "zod";

// One extended zod instance for the whole contract, so `.openapi("Name")` registers
// named components that the API's OpenAPI document and the SDK both see.
extendZodWithOpenApi(z);

export { z };
