/** The scenario language: parser and runner. */
export { parseLine, tokenize, parseFlags, parseI32, isName, ScenarioSyntaxError, type Statement, type ParsedLine } from './parse.js';
export {
  ScenarioSession,
  ScenarioError,
  runScenario,
  type StepResult,
  type StepDone,
  type StepError,
  type RunResult,
  type RunOptions,
  type CallFailure,
  type TraceLine,
} from './run.js';
