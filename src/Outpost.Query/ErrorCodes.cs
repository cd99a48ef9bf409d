using System.Collections.Frozen;

namespace Outpost;

/// <summary>MongoDB's error codes (src/mongo/base/error_codes.yml) that Outpost raises, with their codeNames.</summary>
public static class ErrorCodes
{
    public const int InternalError = 1;
    public const int BadValue = 2;
    public const int NoSuchKey = 4;
    public const int GraphContainsCycle = 5;
    public const int HostUnreachable = 6;
    public const int HostNotFound = 7;
    public const int UnknownError = 8;
    public const int FailedToParse = 9;
    public const int CannotMutateObject = 10;
    public const int UserNotFound = 11;
    public const int UnsupportedFormat = 12;
    public const int Unauthorized = 13;
    public const int TypeMismatch = 14;
    public const int Overflow = 15;
    public const int InvalidLength = 16;
    public const int ProtocolError = 17;
    public const int AuthenticationFailed = 18;
    public const int IllegalOperation = 20;
    public const int EmptyArrayOperation = 21;
    public const int InvalidBSON = 22;
    public const int LockTimeout = 24;
    public const int NamespaceNotFound = 26;
    public const int IndexNotFound = 27;
    public const int QueryPlanKilled = 175;
    public const int PathNotViable = 28;
    public const int NonExistentPath = 29;
    public const int InvalidPath = 30;
    public const int RoleNotFound = 31;
    public const int CursorNotFound = 43;
    public const int NamespaceExists = 48;
    public const int MaxTimeMSExpired = 50;
    public const int DollarPrefixedFieldName = 52;
    public const int InvalidIdField = 53;
    public const int NotSingleValueField = 54;
    public const int InvalidDBRef = 55;
    public const int EmptyFieldName = 56;
    public const int DottedFieldName = 57;
    public const int CommandNotFound = 59;
    public const int ImmutableField = 66;
    public const int CannotCreateIndex = 67;
    public const int IndexAlreadyExists = 68;
    public const int InvalidOptions = 72;
    public const int InvalidNamespace = 73;
    public const int IndexOptionsConflict = 85;
    public const int IndexKeySpecsConflict = 86;
    public const int NetworkTimeout = 89;
    public const int OperationFailed = 96;
    public const int ConflictingUpdateOperators = 40;
    public const int FileAlreadyOpen = 38;
    public const int WriteConflict = 112;
    public const int CommandNotSupported = 115;
    public const int CappedPositionLost = 136;
    public const int NoSuchTransaction = 251;
    public const int TransactionCommitted = 256;
    public const int TransactionTooLarge = 257;
    public const int OperationNotSupportedInTransaction = 263;
    public const int ExceededTimeLimit = 262;
    public const int TooManyFilesOpen = 264;
    public const int ChangeStreamFatalError = 280;
    public const int ChangeStreamHistoryLost = 286;
    public const int TransactionExceededLifetimeLimitSeconds = 290;
    public const int QueryExceededMemoryLimitNoDiskUseAllowed = 292;
    public const int ConversionFailure = 241;
    public const int ExceededMemoryLimit = 146;
    public const int InvalidResumeToken = 260;
    public const int NoQueryExecutionPlans = 291;
    public const int NotWritablePrimary = 10107;
    public const int Location15974 = 15974;
    public const int DuplicateKey = 11000;
    public const int Interrupted = 11601;
    public const int InterruptedAtShutdown = 11600;
    public const int NotPrimaryNoSecondaryOk = 13435;
    public const int BSONObjectTooLarge = 10334;
    public const int DocumentValidationFailure = 121;
    public const int InvalidViewDefinition = 182;
    public const int CommandNotSupportedOnView = 166;
    public const int OptionNotSupportedOnView = 167;
    public const int InvalidPipelineOperator = 168;
    public const int CannotIndexParallelArrays = 171;
    public const int ViewDepthLimitExceeded = 170;
    public const int UnrecognizedCommand = 59;
    public const int APIStrictError = 323;
    public const int Location16020 = 16020;
    public const int Location40352 = 40352;
    public const int Location40353 = 40353;
    public const int Location40414 = 40414;
    public const int Location31275 = 31275;
    public const int Location31276 = 31276;
    public const int Location40228 = 40228;
    public const int Location15969 = 15969;
    public const int Location40272 = 40272;
    public const int Location40231 = 40231;
    public const int Location40323 = 40323;
    public const int Location17312 = 17312;
    public const int Location51075 = 51075;
    public const int Location51091 = 51091;
    public const int Location40415 = 40415;
    public const int Location51108 = 51108;
    public const int Location15975 = 15975;
    public const int Location31254 = 31254;
    public const int Location31253 = 31253;
    public const int Location31249 = 31249;
    public const int Location31250 = 31250;
    public const int Location31255 = 31255;
    public const int Location31395 = 31395;
    public const int Location51270 = 51270;
    public const int Location51246 = 51246;
    public const int Location28724 = 28724;
    public const int Location28702 = 28702;
    public const int Location31256 = 31256;

    private static readonly FrozenDictionary<int, string> Names = new Dictionary<int, string>
    {
        [InternalError] = "InternalError", [BadValue] = "BadValue", [NoSuchKey] = "NoSuchKey",
        [GraphContainsCycle] = "GraphContainsCycle", [HostUnreachable] = "HostUnreachable", [HostNotFound] = "HostNotFound",
        [UnknownError] = "UnknownError", [FailedToParse] = "FailedToParse", [CannotMutateObject] = "CannotMutateObject",
        [UserNotFound] = "UserNotFound", [UnsupportedFormat] = "UnsupportedFormat", [Unauthorized] = "Unauthorized",
        [TypeMismatch] = "TypeMismatch", [Overflow] = "Overflow", [InvalidLength] = "InvalidLength",
        [ProtocolError] = "ProtocolError", [AuthenticationFailed] = "AuthenticationFailed",
        [IllegalOperation] = "IllegalOperation", [EmptyArrayOperation] = "EmptyArrayOperation", [InvalidBSON] = "InvalidBSON",
        [LockTimeout] = "LockTimeout", [NamespaceNotFound] = "NamespaceNotFound", [IndexNotFound] = "IndexNotFound", [QueryPlanKilled] = "QueryPlanKilled",
        [PathNotViable] = "PathNotViable", [NonExistentPath] = "NonExistentPath", [InvalidPath] = "InvalidPath",
        [RoleNotFound] = "RoleNotFound", [CursorNotFound] = "CursorNotFound", [NamespaceExists] = "NamespaceExists",
        [MaxTimeMSExpired] = "MaxTimeMSExpired", [DollarPrefixedFieldName] = "DollarPrefixedFieldName",
        [InvalidIdField] = "InvalidIdField", [NotSingleValueField] = "NotSingleValueField", [InvalidDBRef] = "InvalidDBRef",
        [EmptyFieldName] = "EmptyFieldName", [DottedFieldName] = "DottedFieldName", [CommandNotFound] = "CommandNotFound",
        [ImmutableField] = "ImmutableField", [CannotCreateIndex] = "CannotCreateIndex", [IndexAlreadyExists] = "IndexAlreadyExists",
        [InvalidOptions] = "InvalidOptions", [InvalidNamespace] = "InvalidNamespace", [IndexOptionsConflict] = "IndexOptionsConflict",
        [IndexKeySpecsConflict] = "IndexKeySpecsConflict", [NetworkTimeout] = "NetworkTimeout", [OperationFailed] = "OperationFailed",
        [ConflictingUpdateOperators] = "ConflictingUpdateOperators", [FileAlreadyOpen] = "FileAlreadyOpen",
        [WriteConflict] = "WriteConflict", [CommandNotSupported] = "CommandNotSupported", [CappedPositionLost] = "CappedPositionLost",
        [NoSuchTransaction] = "NoSuchTransaction", [TransactionCommitted] = "TransactionCommitted",
        [TransactionTooLarge] = "TransactionTooLarge", [OperationNotSupportedInTransaction] = "OperationNotSupportedInTransaction",
        [ExceededTimeLimit] = "ExceededTimeLimit", [TooManyFilesOpen] = "TooManyFilesOpen",
        [ChangeStreamFatalError] = "ChangeStreamFatalError", [ChangeStreamHistoryLost] = "ChangeStreamHistoryLost",
        [TransactionExceededLifetimeLimitSeconds] = "TransactionExceededLifetimeLimitSeconds",
        [QueryExceededMemoryLimitNoDiskUseAllowed] = "QueryExceededMemoryLimitNoDiskUseAllowed",
        [ConversionFailure] = "ConversionFailure", [ExceededMemoryLimit] = "ExceededMemoryLimit",
        [InvalidResumeToken] = "InvalidResumeToken", [NoQueryExecutionPlans] = "NoQueryExecutionPlans",
        [NotWritablePrimary] = "NotWritablePrimary", [DuplicateKey] = "DuplicateKey", [Interrupted] = "Interrupted",
        [InterruptedAtShutdown] = "InterruptedAtShutdown", [NotPrimaryNoSecondaryOk] = "NotPrimaryNoSecondaryOk",
        [BSONObjectTooLarge] = "BSONObjectTooLarge", [DocumentValidationFailure] = "DocumentValidationFailure",
        [InvalidViewDefinition] = "InvalidViewDefinition", [CommandNotSupportedOnView] = "CommandNotSupportedOnView",
        [OptionNotSupportedOnView] = "OptionNotSupportedOnView", [InvalidPipelineOperator] = "InvalidPipelineOperator",
        [CannotIndexParallelArrays] = "CannotIndexParallelArrays", [ViewDepthLimitExceeded] = "ViewDepthLimitExceeded",
        [APIStrictError] = "APIStrictError",
    }.ToFrozenDictionary();

    /// <summary>MongoDB's codeName for a code; "Location&lt;code&gt;" for the numbered assertion codes that have none.</summary>
    public static string NameOf(int code) => Names.TryGetValue(code, out var name) ? name : $"Location{code}";
}
