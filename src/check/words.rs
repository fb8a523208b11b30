//! SageMaker's enumerations as the language spells them: (word, SageMaker's value). The checker
//! reads words with these tables and the importer writes words with them, so both agree.

pub type Words = &'static [(&'static str, &'static str)];

pub const DISTRIBUTIONS: Words = &[
    ("FullyReplicated", "FullyReplicated"),
    ("ShardedByS3Key", "ShardedByS3Key"),
];
/// A training channel's input modes; a processing input takes the first two.
pub const CHANNEL_INPUT_MODES: Words =
    &[("File", "File"), ("Pipe", "Pipe"), ("FastFile", "FastFile")];
pub const PROCESSING_INPUT_MODES: Words = &[("File", "File"), ("Pipe", "Pipe")];
pub const DATA_TYPES: Words = &[
    ("S3Prefix", "S3Prefix"),
    ("ManifestFile", "ManifestFile"),
    ("AugmentedManifestFile", "AugmentedManifestFile"),
];
pub const COMPRESSIONS: Words = &[("None", "None"), ("Gzip", "Gzip")];
pub const UPLOAD_MODES: Words = &[("EndOfJob", "EndOfJob"), ("Continuous", "Continuous")];
pub const STRATEGIES: Words = &[
    ("bayesian", "Bayesian"),
    ("random", "Random"),
    ("hyperband", "Hyperband"),
    ("grid", "Grid"),
];
pub const EARLY_STOPPING: Words = &[("auto", "Auto"), ("off", "Off")];
pub const WARM_START_TYPES: Words = &[
    ("identical_data_and_algorithm", "IdenticalDataAndAlgorithm"),
    ("transfer_learning", "TransferLearning"),
];
pub const SPLIT_TYPES: Words = &[
    ("line", "Line"),
    ("recordio", "RecordIO"),
    ("tfrecord", "TFRecord"),
    ("none", "None"),
];
pub const ASSEMBLE_WITH: Words = &[("line", "Line"), ("none", "None")];
pub const BATCH_STRATEGIES: Words = &[
    ("multi_record", "MultiRecord"),
    ("single_record", "SingleRecord"),
];
pub const JOIN_SOURCES: Words = &[("input", "Input"), ("none", "None")];
pub const APPROVALS: Words = &[
    ("pending_manual", "PendingManualApproval"),
    ("approved", "Approved"),
    ("rejected", "Rejected"),
];
pub const EMR_ACTIONS_ON_FAILURE: Words = &[
    ("continue", "CONTINUE"),
    ("cancel_and_wait", "CANCEL_AND_WAIT"),
    ("terminate_cluster", "TERMINATE_CLUSTER"),
];
/// Tuning range scaling: `continuous(0.1, 0.5, log)`.
pub const SCALINGS: Words = &[
    ("auto", "Auto"),
    ("linear", "Linear"),
    ("log", "Logarithmic"),
    ("reverse_log", "ReverseLogarithmic"),
];

/// The word for a SageMaker value.
pub fn word_for(table: Words, value: &str) -> Option<&'static str> {
    table.iter().find(|(_, v)| *v == value).map(|(w, _)| *w)
}
