//! The registry of diagnostic codes: each code is declared once, here, with a title and a long
//! explanation that `aslc explain CODE` prints. `E0xx`/`W0xx` belong to the pipeline language,
//! `E1xx`/`W1xx` to ASL validation, `E9xx` to internal errors. Codes are never reused.

use super::Severity;

macro_rules! codes {
    ($($id:ident => $title:literal, $explain:literal;)*) => {
        /// A stable diagnostic code. Severity follows the first letter.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Code { $($id),* }

        impl Code {
            pub const ALL: &'static [Code] = &[$(Code::$id),*];

            pub fn as_str(self) -> &'static str {
                match self { $(Code::$id => stringify!($id)),* }
            }

            pub fn title(self) -> &'static str {
                match self { $(Code::$id => $title),* }
            }

            pub fn explanation(self) -> &'static str {
                match self { $(Code::$id => $explain),* }
            }
        }
    };
}

impl Code {
    pub fn severity(self) -> Severity {
        if self.as_str().starts_with('W') {
            Severity::Warning
        } else {
            Severity::Error
        }
    }

    pub fn parse(s: &str) -> Option<Code> {
        Code::ALL
            .iter()
            .copied()
            .find(|c| c.as_str().eq_ignore_ascii_case(s))
    }

    /// Codes that speak of the pipeline as a whole (a name that nothing defines, a value
    /// nothing uses): after a syntax error the tree is partial, and a step lost to the error
    /// would make them false, so they are held back until the syntax is fixed.
    pub fn needs_whole_tree(self) -> bool {
        matches!(
            self,
            Code::E012
                | Code::E013
                | Code::E014
                | Code::E015
                | Code::E031
                | Code::W003
                | Code::W004
        )
    }
}

/// A code that is no longer emitted. Its id is never given to another diagnostic (ruff keeps
/// a `Removed` group for the same reason: old CI logs and suppressions still name it).
pub struct Removed {
    pub code: &'static str,
    pub title: &'static str,
    /// Why it went, and what took its place.
    pub note: &'static str,
}

pub const REMOVED: &[Removed] = &[
    Removed {
        code: "E029",
        title: "step name cannot prefix a SageMaker job name",
        note: "Removed in 0.2: a step name of any length or shape is accepted. Job names are \
`<prefix>-<uuid>`; a name too long for the prefix is shortened to its first characters and a \
hash of the whole name, and the sidecar records the prefix of each step (`job_prefix`).",
    },
    Removed {
        code: "W001",
        title: "caching not lowered",
        note: "Removed in 0.1: `cache <duration>` is lowered to real ASL (a DynamoDB lookup keyed by a \
hash of the request). A cached step that names no table now gets W005.",
    },
    Removed {
        code: "W002",
        title: "schedule not emitted",
        note: "Removed in 0.1: a `schedule` is written as `X.schedule.json` (an EventBridge Scheduler \
template), and a wrong expression is the error E047.",
    },
];

impl Removed {
    pub fn find(s: &str) -> Option<&'static Removed> {
        REMOVED.iter().find(|r| r.code.eq_ignore_ascii_case(s))
    }
}

impl serde::Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

codes! {
    E001 => "syntax error",
"The parser expected one thing and found another. The message names what was expected; the
span is the first character that could not be read. The parser recovers at the next statement,
so every syntax error in a file is reported in one run.

Example:
    param AucThreshold float = 0.94     // expected `:` after the parameter name
Fix:
    param AucThreshold: float = 0.94";

    E002 => "unterminated string",
"A string literal was opened with `\"` but the line ended before the closing quote. Strings
cannot span lines; use `\\n` for a newline.

Example:
    code \"s3://fraud-ml/code/featurise.py
Fix:
    code \"s3://fraud-ml/code/featurise.py\"";

    E003 => "invalid literal",
"A number, duration, escape sequence or interpolation could not be read. Durations are an
integer followed by `s`, `m`, `h` or `d` (`60s`, `2h`, `30d`). String escapes are `\\\\`, `\\\"`,
`\\n`, `\\t`, `\\{` and `\\}`. Interpolations are `{Name}` or `{Step.output}`.

Example:
    max_runtime 2hours
Fix:
    max_runtime 2h";

    E004 => "unreadable input",
"The file is not text aslc can read: it is not valid UTF-8, holds NUL bytes, or is larger than
the 64 MiB that aslc accepts for a pipeline source.

Fix: save the file as UTF-8 text.";

    E005 => "nesting too deep",
"Blocks or expressions are nested deeper than aslc allows (64 levels for blocks, 64 for
expressions). Real pipelines stay far below this; the limit keeps the compiler from
exhausting its stack on generated or corrupted input.

Fix: flatten the pipeline, for example by combining conditions with `and`.";

    E006 => "unclosed block",
"A block opened with `{` was not closed before the end of the file or before a line that
cannot belong to it. The secondary label shows where the block was opened.

Example:
    processing Featurise {
      image \"...\"
    // end of file
Fix: add the closing `}`.";

    E010 => "duplicate step name",
"Two steps have the same name. Step names become Step Functions state names, which must be
unique across the whole state machine, nested branches included.

Example:
    processing Evaluate { ... }
    processing Evaluate { ... }
Fix: rename one of them.";

    E011 => "duplicate parameter",
"A parameter is declared twice. Each parameter is one key of the execution input.

Example:
    param DataDate: string
    param DataDate: string
Fix: remove one declaration.";

    E012 => "unknown name",
"A reference names no parameter and no step. References are parameter names (`AucThreshold`)
or step outputs (`Featurise.train`). The help suggests a close name when there is one.

Example:
    channel train = Featurize.train
Fix:
    channel train = Featurise.train";

    E013 => "unknown step output",
"The step exists but has no output of that name. Processing and transform steps expose
their declared `output`s and `property_file`s; training steps expose `model_artifacts` and
their `output`s; register steps expose `model_package_arn`; lambda steps `payload`;
tuning steps `best_training_job` and `model_artifacts`; create_model steps `model_name` and
`model_arn`; callback steps `output`.

Example:
    input model = TrainXGB.model_artifact
Fix:
    input model = TrainXGB.model_artifacts";

    E014 => "step has not run yet",
"A reference names a step that runs after the referencing step (or the step itself). Steps run
in file order, so its output does not exist yet when this step starts.

Example:
    training TrainXGB { channel train = Evaluate.report ... }
    processing Evaluate { ... }
Fix: move the referenced step above the step that uses it.";

    E015 => "step may not have run",
"A reference names a step inside a `when` branch or a sibling `parallel` branch. After the
`when`, the branch may not have run; inside a parallel branch, sibling branches run at the
same time. Either way the output may not exist.

Example:
    when Gate: Flag { lambda Notify { ... } }
    lambda After { payload { R = Notify.payload } }
Fix: move the referencing step inside the same branch, or reference a step that always runs.";

    E016 => "parameter default has the wrong type",
"A parameter's default value does not match its declared type. Defaults are merged into the
execution input at run time, so a wrong type would reach the jobs unnoticed.

Example:
    param AucThreshold: float = \"0.94\"
Fix:
    param AucThreshold: float = 0.94";

    E017 => "operands of a comparison have different types",
"A condition compares values of different types: numbers compare with numbers, strings with
strings, booleans with booleans. Step Functions would evaluate such a Choice rule as false at
run time, silently skipping the branch; aslc rejects it at compile time.

Example:
    when Gate: json(Evaluate.metrics, \"auc\") as string >= AucThreshold { ... }
Fix:
    when Gate: json(Evaluate.metrics, \"auc\") as float >= AucThreshold { ... }";

    E018 => "value cannot be interpolated",
"Strings, numbers and booleans can be interpolated into a string with `{...}` (numbers are
written as SageMaker's `Join` writes them: `0.94`, `3`, `true`). A JSON value (a Lambda's
payload, a callback's output) or a property file has no text of its own; and some places take
no interpolation at all (a `matches` pattern, a schedule expression, the file name of a property
file).

Example:
    output model = \"s3://b/models/{Score.payload}/\"
Fix: read one field: `join(\"/\", \"s3://b/models\", json(Score.payload, \"version\") as string)`.";

    E019 => "`json(...)` needs a type",
"A value read from a property file with `json(file, \"path\")` has no static type until you
declare one with `as T` (`string`, `int`, `float` or `bool`). The type selects the Step
Functions comparison operator.

Example:
    json(Evaluate.metrics, \"classification_metrics.auc.value\") >= AucThreshold
Fix:
    json(Evaluate.metrics, \"classification_metrics.auc.value\") as float >= AucThreshold";

    E020 => "booleans cannot be ordered",
"`<`, `<=`, `>` and `>=` need numbers or strings. Booleans only support `==` and `!=`.

Example:
    when Gate: Approved > false { ... }
Fix:
    when Gate: Approved == true { ... }";

    E021 => "retry policy sets both `max_attempts` and `expire_after`",
"As in SageMaker Pipelines, a retry policy bounds retries either by a number of attempts or by
a time budget, never both.

Example:
    retry transient { on [sagemaker.capacity_error] max_attempts 3 expire_after 60m }
Fix: keep one of the two.";

    E022 => "`max_attempts` out of range",
"`max_attempts` must be between 1 and 20 (the SageMaker Pipelines limit).

Example:
    max_attempts 50
Fix:
    max_attempts 20";

    E023 => "`expire_after` out of range",
"`expire_after` must be positive and at most 14,400 minutes (10 days), the SageMaker
Pipelines limit.

Example:
    expire_after 30d
Fix:
    expire_after 10d";

    E024 => "`backoff` below 1",
"Step Functions requires `BackoffRate` >= 1.0: each retry waits at least as long as the one
before.

Example:
    backoff 0.5
Fix:
    backoff 2.0";

    E025 => "unknown retry policy",
"A step's `retry` names a policy that is not declared with `retry NAME { ... }`.

Example:
    retry transeint
Fix:
    retry transient";

    E026 => "unknown retry class",
"`on [...]` lists SageMaker Pipelines exception classes: `step.service_fault`,
`step.throttling`, `sagemaker.job_internal_error`, `sagemaker.capacity_error` and
`sagemaker.resource_limit`.

Example:
    on [sagemaker.capacity]
Fix:
    on [sagemaker.capacity_error]";

    E027 => "invalid instance type",
"SageMaker instance types have the form `ml.<family>.<size>` and an optional count
`x N` with N between 1 and 100.

Example:
    instance m5.xlarge x 1
Fix:
    instance ml.m5.xlarge x 1";

    E028 => "step name too long",
"Step names become Step Functions state names, which are limited to 80 characters, and aslc
derives more states from a step's name (`<Step>.Lineage`, `<Step>.RetryWait.<policy>`,
`<When>.Read.<Step>.<file>`, …), which must fit too, whatever the compile options.

Fix: shorten the name.";

    // E029 is removed (see REMOVED).
    E030 => "unknown property",
"The step kind has no property of that name. The help lists a close match when there is one.

Example:
    processing Featurise { imgae \"...\" }
Fix:
    processing Featurise { image \"...\" }";

    E031 => "missing required property",
"The step kind needs this property to produce a valid request.

Example:
    processing Featurise { instance ml.m5.xlarge x 1 }
Fix: add `image \"<ecr-uri>\"`.";

    E032 => "property set twice",
"A property that takes one value appears more than once in a step.

Fix: remove one of them.";

    E033 => "property value has the wrong type",
"The value given to a property is not of the type the property takes (for example a number
where an S3 URI is expected).

Example:
    code 42
Fix:
    code \"s3://fraud-ml/code/featurise.py\"";

    E034 => "unknown type",
"Parameter types are `string`, `int`, `float` and `bool`.

Example:
    param AucThreshold: double
Fix:
    param AucThreshold: float";

    E035 => "pipeline has no `role`",
"Steps that start SageMaker jobs or create models pass an execution role to SageMaker; the
pipeline must declare it with `role \"arn:aws:iam::<account>:role/<name>\"`.";

    E036 => "duplicate retry policy",
"A retry policy name is declared twice.

Fix: rename or remove one of them.";

    E037 => "reference of the wrong kind",
"The reference resolves, but not to the kind of thing this place needs: `register { model X }`
needs a training or tuning step, `metrics` and `json(...)` need a property file, `transform {
model X }` needs a create_model step.

Example:
    metrics Evaluate.report
Fix:
    metrics Evaluate.metrics";

    E038 => "invalid JSON path",
"The path given to `json(file, \"path\")` must be dot-separated keys with optional `[index]`
selectors, such as `classification_metrics.auc.value` or `metrics[0].value`.

Example:
    json(Evaluate.metrics, \"classification_metrics..auc\") as float
Fix:
    json(Evaluate.metrics, \"classification_metrics.auc\") as float";

    E039 => "duplicate input or output name",
"Within one step, input, output, channel and property file names must be unique: they become
SageMaker `InputName`/`OutputName`/`ChannelName` values.

Fix: rename one of them.";

    E040 => "invalid S3 URI",
"S3 locations must start with `s3://` followed by a bucket name.

Example:
    input raw = \"fraud-ml/raw/\"
Fix:
    input raw = \"s3://fraud-ml/raw/\"";

    E041 => "property file needs a literal bucket",
"A property file is read at run time with S3 GetObject, which takes the bucket and the key
separately. The bucket of the output it lives in must therefore be written literally; only the
key may use interpolation.

Example:
    output report = \"s3://{Bucket}/eval/\"
Fix:
    output report = \"s3://fraud-ml/eval/{DataDate}/\"";

    E042 => "condition is not a boolean",
"A `when` condition must be a comparison, `exists(...)`, `matches`, a boolean parameter, or a
combination of those with `and`, `or` and `not`.

Example:
    when Gate: AucThreshold { ... }
Fix:
    when Gate: AucThreshold > 0.5 { ... }";

    E043 => "duration out of range",
"The duration is zero or larger than the field allows (`max_runtime` at most 5 days for
training and processing jobs; `interval` at most 12 hours).

Example:
    max_runtime 0s
Fix:
    max_runtime 2h";

    E044 => "unknown function",
"Only the functions the language defines may be called: `yesterday()` and `today()` in a
schedule's bindings, `json(...)` and `exists(...)` in conditions.

Example:
    schedule \"cron(0 2 * * ? *)\" { DataDate = yestrday() }
Fix:
    schedule \"cron(0 2 * * ? *)\" { DataDate = yesterday() }";

    E045 => "constant condition",
"Both sides of the comparison are literals, so the condition never depends on the run.

Fix: compare a parameter, a step output or a `json(...)` value.";

    E046 => "invalid value",
"The value is not one of those the property accepts (for example `approval` takes
`approved`, `rejected` or `pending_manual`).

Example:
    approval pending
Fix:
    approval pending_manual";

    E047 => "invalid schedule expression",
"A schedule is an EventBridge Scheduler expression: `cron(minutes hours day-of-month month
day-of-week year)` (exactly one of day-of-month and day-of-week is `?`), `rate(N unit)` (unit
singular for 1: `rate(1 day)`, plural otherwise: `rate(12 hours)`) or `at(yyyy-mm-ddThh:mm:ss)`.
The span points at the field that is wrong.

Example:
    schedule \"cron(0 2 * * *)\"
Fix:
    schedule \"cron(0 2 * * ? *)\"";

    E048 => "step never runs",
"Every path to this step has already ended in a `fail` step (directly before it, or in both
branches of a `when`), so the step can never run. Step Functions also rejects the unreachable
state it would become.

Example:
    fail Stop { error \"TooLow\" }
    lambda Notify { function \"notify\" }
Fix: move `Notify` before `Stop`, or put the failure inside a `when`.";

    E049 => "parameter name with a hyphen",
"Parameter names are the keys of the execution input (`{\"DataDate\": \"2028-02-16\"}`) and of
the state data, where JSONPath needs plain names. Step names may hold hyphens; parameters may
not.

Example:
    param data-date: string
Fix:
    param DataDate: string";

    // W001 and W002 are removed (see REMOVED): their ids are never reused.
    E050 => "invalid trigger",
"A trigger starts the pipeline when something happens. `trigger s3 \"s3://bucket/prefix/\"`
starts it for every object created under the prefix (an EventBridge rule on S3's `Object
Created` events: the bucket must send its events to EventBridge). The location is a bucket
name (3–63 lower-case letters, digits, `.` and `-`) and an optional key prefix without
wildcards; `s3` is the only trigger source.

Example:
    trigger s3 \"s3://fraud-ml/raw/\" { DataPrefix = object_prefix() }";

    E051 => "called pipeline cannot be read",
"`run_pipeline Step { use \"train.sfn\" }` names the pipeline it runs by its source, so that
the arguments can be checked against its parameters. The file is read relative to the calling
source's folder when the caller is compiled from disk (`aslc compile`, `aslc check`, the
language server on a saved file); it must exist and parse. Without `use`, name the state
machine with `state_machine \"name-or-arn\"` (its arguments are then not checked).";

    E052 => "argument does not match the called pipeline",
"The arguments of a `run_pipeline` step are the called pipeline's parameters: each name must be
one of them, each value of its type (an int may be given for a float, an S3 URI or ARN for a
string), and every parameter without a default must be given. The called pipeline would
otherwise reject its input at run time, after the caller has already run its earlier steps.

Example:
    run_pipeline Train {
      use    \"train.sfn\"
      params { DataDate = DataDate, Rounds = 200 }
    }";

    E053 => "step inside a foreach read from outside",
"The steps of a `foreach` run once per item: outside it there is no one result of theirs to
read. Read the foreach's `results` instead: the list of each iteration's step results, in the
order of the items.

Example:
    foreach PerRegion: Region in [\"us\", \"eu\"] { training Train { … } }
    lambda Report { payload { Models = PerRegion.results } }";

    E054 => "invalid foreach",
"`foreach Name: Item in <source> { … }` runs its steps once per item. The source is a list
written out (`[\"us\", \"eu\"]`, not empty), a JSON list a step returned (`Step.payload`,
`json(Step.payload, \"partitions\")`), or `s3 \"s3://bucket/prefix/\"` (every object under the
prefix, in a Distributed Map). `max_concurrency` and `tolerate` take whole numbers (`tolerate`
also a percentage, `\"10%\"`), and the item's name must not be a parameter's or a step's.";

    W003 => "unused parameter",
"The parameter is never referenced. It is still accepted in the execution input.

Fix: remove it, or reference it.";

    W005 => "default cache table",
"A step is cached (`cache 30d`) but the pipeline names no DynamoDB table with `cache_table`, so
the results are kept in `<pipeline>-step-cache`. Create that table (partition key `key`, type
string) or name your own. When the table is missing, lookups and stores fail, are caught, and the
step simply runs: caching is off, nothing breaks.

Fix:
    cache_table \"ml-step-cache\"";

    W004 => "unused retry policy",
"The retry policy is declared but no step uses it.

Fix: attach it with `retry NAME` or remove it.";

    E100 => "not valid JSON",
"The ASL document could not be parsed as strict JSON (no comments, no trailing commas). The
span is where the parser stopped.";

    E101 => "definition is not a JSON object",
"An ASL definition is one JSON object with `StartAt` and `States` (rule R0.1).";

    E102 => "duplicate key",
"A JSON object repeats a key. AWS rejects definitions with duplicate keys (rule R0.3); which
copy would win is undefined. The secondary label shows the first occurrence.";

    E103 => "definition too large",
"Step Functions accepts definitions of at most 1,048,576 characters (rule R0.2).";

    E104 => "JSON nested too deeply",
"The document nests arrays or objects more than 512 levels deep. No real definition does; the
limit protects the validator from stack exhaustion.";

    E105 => "missing required field",
"A field that ASL requires here is absent, for example `StartAt` at the top level, `Resource`
on a Task, `Next` on a catcher, or `Choices` on a Choice state.

Example:
    \"Check\": { \"Type\": \"Choice\", \"Default\": \"Done\" }
Fix: add the field.";

    E106 => "field not allowed here",
"The field does not belong to this state type or object (rule R3.1). ASL field names are
case-sensitive. The help names a close field when there is one.

Example:
    \"Wait\": { \"Type\": \"Wait\", \"Seconds\": 5, \"Parameters\": {}, \"Next\": \"Go\" }
Fix: remove `Parameters`.";

    E107 => "field has the wrong type",
"The field's value has the wrong JSON type, for example a string where ASL wants an integer.

Example:
    \"TimeoutSeconds\": \"60\"
Fix:
    \"TimeoutSeconds\": 60";

    E108 => "value not allowed",
"The value is not one of those ASL defines for this field, for example a state `Type` other
than Pass, Task, Choice, Wait, Succeed, Fail, Parallel and Map.";

    E109 => "number out of range",
"The number is outside the bounds ASL allows: `MaxAttempts` 0..99,999,999, `BackoffRate` >= 1,
`IntervalSeconds`, `TimeoutSeconds` and `HeartbeatSeconds` positive, `ToleratedFailurePercentage`
0..100, and so on.";

    E110 => "invalid value",
"The value does not have the form ASL requires here (an empty `ErrorEquals`, an empty `States`
object, an empty `Choices` array, a string that does not match the field's pattern).";

    E111 => "transition target not found",
"`StartAt`, `Next`, `Default` or a catcher's `Next` names a state that does not exist in the
same `States` object (rule R2.7). The help suggests a close name.";

    E112 => "transition crosses a scope",
"A transition names a state that exists, but in another scope: states inside a Parallel
branch or a Map's ItemProcessor can only move to their siblings, and outer states cannot jump
into them (rule R2.8).";

    E113 => "unreachable state",
"No transition leads to this state from the scope's `StartAt`. AWS rejects definitions with
unreachable states (rule R2.9).

Fix: remove the state or add a transition to it.";

    E114 => "no terminal state",
"A scope needs at least one state that ends it: `\"End\": true`, a Succeed or a Fail state
(rule R2.6).";

    E115 => "duplicate state name",
"State names must be unique across the whole state machine, including nested Parallel branches
and Map processors (rule R2.2). The secondary label shows the other definition.";

    E116 => "state name too long",
"State names are at most 80 characters (rule R2.1).";

    E117 => "`Next`/`End` rules",
"Pass, Task, Wait, Parallel and Map states need exactly one of `Next` or `\"End\": true`;
Choice, Succeed and Fail states take neither (rules R2.4, R2.5). `End` must be `true` when
present.";

    E118 => "`States.ALL` misplaced",
"`States.ALL` must be the only name in its `ErrorEquals`, and that retrier or catcher must be
the last of its array: later ones could never match (rule R5.2).";

    E119 => "invalid path",
"A JSONPath field does not hold a valid path. Paths start with `$`; reference paths (used by
`ResultPath`, `ItemsPath` and the `*Path` fields) must identify a single node, so they cannot
use filters, wildcards, slices or unions; `ResultPath` cannot start with `$$` (rules R9.1-R9.3).

Example:
    \"ResultPath\": \"$.results[*]\"
Fix:
    \"ResultPath\": \"$.results\"";

    E120 => "invalid payload template value",
"In `Parameters`, `ResultSelector`, `ItemSelector` and similar templates, a key ending in `.$`
takes a string that is a path (`$.x`, `$$.Execution.Id`, `$var`) or an intrinsic function call
(rule R9.4).

Example:
    \"Key.$\": \"input/key\"
Fix:
    \"Key.$\": \"$.input.key\"";

    E121 => "invalid intrinsic function",
"An intrinsic function call could not be parsed, names an unknown function, or passes the
wrong number of arguments (appendix B of the ASL specification). `States.Format` needs as many
arguments as its template has `{}`.

Example:
    \"Name.$\": \"States.Format('{}-{}', $.a)\"
Fix:
    \"Name.$\": \"States.Format('{}-{}', $.a, $.b)\"";

    E122 => "field does not belong to the query language",
"JSONata states cannot use `InputPath`, `Parameters`, `ResultSelector`, `ResultPath`,
`OutputPath`, `Result`, the Choice `Variable` operators or `.$` keys; JSONPath states cannot use
`Arguments`, `Output`, `Condition` or `Items` (rules R10.2, R10.3).";

    E123 => "invalid JSONata expression",
"A `{% ... %}` expression does not parse as JSONata; AWS rejects the definition. The span points
inside the string.";

    E124 => "invalid variable name",
"Variable names assigned with `Assign` are identifiers of at most 80 characters and cannot be
`states` (rule R9.6).";

    E125 => "invalid Choice rule",
"A JSONPath Choice rule is either a Boolean combination (`And`, `Or`, `Not`) or a data test with
`Variable` and exactly one comparison operator. Only top-level rules take `Next`, and they must
(rules R6.2-R6.4).";

    E126 => "Choice operand has the wrong type",
"The literal compared by a Choice operator has the wrong type: `Numeric*` takes numbers,
`String*` strings, `BooleanEquals` and the `Is*` tests booleans, `Timestamp*` RFC 3339
timestamps, and every `*Path` operator a path (rule R6.6).";

    E127 => "invalid `StringMatches` pattern",
"In `StringMatches`, `*` is the only wildcard; a literal `*` or `\\` is escaped with a
backslash. A pattern that ends with an unpaired backslash fails at run time (rule R6.7).";

    E128 => "unsupported service integration",
"The Task `Resource` names an optimised integration that does not exist (for example
`arn:aws:states:::dynamodb:query`: DynamoDB's optimised integration has only `getItem`,
`putItem`, `updateItem` and `deleteItem`; every other API is called as
`arn:aws:states:::aws-sdk:dynamodb:query`), or asks for `.sync` or `.waitForTaskToken` where the
service does not support it (for example `sagemaker:createModel.sync`, or `.sync` on an
`aws-sdk` integration).";

    E129 => "integration pattern not available in Express workflows",
"Express executions only support request-response integrations: `.sync` and
`.waitForTaskToken` resources, and activities, are rejected in an EXPRESS state machine
(validated with `--express`) and, whatever the machine's type, inside a Distributed Map whose
`ProcessorConfig.ExecutionType` is `EXPRESS` (its children are Express executions).";

    E130 => "invalid timeout",
"`TimeoutSeconds` and `HeartbeatSeconds` must be positive, at most one of each pair with its
`*Path` twin may be set, and `HeartbeatSeconds` must be smaller than `TimeoutSeconds` (rules
R4.1-R4.4).";

    E131 => "keys collide after removing `.$`",
"In a payload template `\"A\"` and `\"A.$\"` name the same output field (rule R9.4).";

    E132 => "invalid timestamp",
"Timestamps are RFC 3339 with an uppercase `T` and `Z` or a numeric offset, such as
`2016-03-14T01:59:00Z` (rule R8.3).";

    E133 => "exactly one of the fields is required",
"Some fields come in alternatives of which exactly one must be set: a Wait state needs one of
`Seconds`, `Timestamp`, `SecondsPath`, `TimestampPath`; a Map one of `ItemProcessor` and
`Iterator`; at most one of `Error`/`ErrorPath`, `Cause`/`CausePath`, `MaxConcurrency`/
`MaxConcurrencyPath`, `ItemSelector`/`Parameters`.";

    E134 => "variable already assigned in an enclosing scope",
"A Parallel branch or a Map iteration is its own variable scope: it can read the variables of the
scopes around it, but must not assign a name they assign (rule R9.7).

Example:
    outer state:  \"Assign\": { \"total\": 0 }
    inside a Map: \"Assign\": { \"total\": 1 }
Fix: give the inner variable its own name.";

    E135 => "invalid resource ARN",
"A Task `Resource` is an ARN (`arn:<partition>:<service>:<region>:<account>:<resource>`), for
example `arn:aws:states:::lambda:invoke` or an activity's ARN. In a template, `${Name}`
placeholders that `DefinitionSubstitutions` replaces are allowed, and each must be closed.";

    E136 => "not valid YAML",
"A `.yaml`/`.yml` ASL document must be one YAML document that maps onto JSON: no aliases
(`*name`), no tags (`!Sub`: CloudFormation intrinsics belong to templates), no second
document after `---`. The location is where the YAML parser stopped.";

    E137 => "undefined `Fn::Sub` variable",
"Inside `Fn::Sub`, every `${Name}` must be something CloudFormation can replace: a template
parameter, a resource (`${Res}`, `${Res.Arn}`), a pseudo parameter (`${AWS::Region}`) or a
variable of the `Fn::Sub` itself; otherwise CloudFormation refuses the template. Write
`${!Name}` for a literal `${Name}` (for example one `DefinitionSubstitutions` replaces).";

    W101 => "loop with no way out",
"The states of this cycle never reach a terminal state, so an execution that enters it runs
until its timeout. AWS accepts this; polling loops normally leave through a Choice (rule
R2.10).";

    W102 => "Choice without `Default`",
"When no rule matches and there is no `Default`, the execution fails with
`States.NoChoiceMatched` (rule R6.1).";

    W103 => "unknown `States.` error name",
"`ErrorEquals` names an error in the reserved `States.` namespace that Step Functions never
raises, so the retrier or catcher never matches (rule R5.3).";

    W104 => "error that `States.ALL` cannot catch",
"`States.DataLimitExceeded` and `States.Runtime` are not caught by `States.ALL` (rule R5.5);
naming them only in a `States.ALL` catcher does not help.";

    W105 => "definition outside the template",
"The state machine's definition is in S3 (`DefinitionS3Location`) or in a file SAM packages
(`DefinitionUri`), so `aslc validate` on the template cannot see it. Validate that file
directly.";

    W107 => "placeholder not in `DefinitionSubstitutions`",
"The state machine has `DefinitionSubstitutions`, but this `${Name}` is not one of its keys,
so Step Functions receives the text `${Name}` as written (often a mistyped key). A definition
with no `DefinitionSubstitutions` at all may hold such text on purpose, and is not warned.";

    W106 => "template without a state machine",
"The file is a CloudFormation or SAM template (it has `Resources`) but declares no
`AWS::StepFunctions::StateMachine` or `AWS::Serverless::StateMachine`: there is nothing to
validate.";

    E200 => "not a SageMaker pipeline definition",
"`aslc import` reads a SageMaker Pipelines definition: the JSON `pipeline.definition()`
returns (schema version `2020-12-01`, with `Version`, `Parameters` and `Steps`), or the
response of `aws sagemaker describe-pipeline`, whose `PipelineDefinition` is that JSON as a
string. The file is neither, or its version is one aslc does not know.

Fix: export the definition with `aws sagemaker describe-pipeline --pipeline-name NAME` or
`json.loads(pipeline.definition())`.";

    E201 => "cannot be written in the pipeline language yet",
"The definition sets a field, or uses an expression, that the pipeline language has no way to
say (an Athena dataset input, a VPC configuration, managed spot training, a multi-algorithm
tuning job, a JSON value carried in a request, …). The importer writes nothing
rather than a pipeline that would behave differently: the pointer names the field.

Fix: remove the field from the definition if the pipeline does not need it, or keep that
pipeline on SageMaker until the language says it.";

    E202 => "step type cannot be imported",
"The step's `Type` has no counterpart in the language. aslc imports Processing, Training,
Tuning, Transform, Model, RegisterModel, Condition, Fail, Lambda, Callback and EMR steps;
Clarify/QualityCheck, AutoML and notebook-job steps are not imported.";

    E203 => "unknown step or parameter",
"A `Get` expression, a property file or `DependsOn` names a step or parameter the definition
does not have. SageMaker would refuse the definition too.";

    E204 => "steps depend on each other in a cycle",
"`DependsOn` and the data the steps read form a cycle: no order runs every step after the
steps it depends on. The message lists the steps of the cycle.";

    E205 => "malformed definition",
"A field the importer reads has the wrong JSON type or shape (a step without `Name`, a list
where an object belongs, …). The pointer names it.";

    W201 => "approximated on import",
"The field is not carried into the `.sfn`, and the pipeline still computes the same thing: for
example SageMaker Debugger and Profiler configuration (debug data is not collected), or a
non-default `PipelineExperimentConfig` (Step Functions records lineage, not experiments).";

    E900 => "internal compiler error",
"aslc produced ASL that its own validator rejects. This is a bug in aslc, not in your
pipeline: please file an issue with the pipeline source and the printed diagnostics.";
}
