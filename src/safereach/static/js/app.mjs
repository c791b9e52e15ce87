// Runs only in browsers that support ES modules, which is exactly where GOV.UK Frontend's
// JavaScript is supported, so the classes that switch on its enhanced styles are set here.
import { initAll } from "../govuk-frontend/govuk-frontend.min.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();
