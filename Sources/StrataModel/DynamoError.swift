/// Every error a client can see, one case per DynamoDB error type. Only the
/// server's response writer turns one into bytes.
public enum DynamoError: Error, Sendable, Equatable {
    case validation(String)
    case serialization(String)
    case unknownOperation
    case missingAuthenticationToken(String)
    case accessDenied(String)
    case unrecognizedClient(String)
    case invalidSignature(String)
    case incompleteSignature(String)
    case resourceNotFound(String)
    /// DescribeContinuousBackups' own "no such table".
    case tableNotFound(String)
    /// A table or stream has no resource-based policy, or not that revision.
    case policyNotFound(String)
    case resourceInUse(String)
    case limitExceeded(String)
    case conditionalCheckFailed(String, item: Item?)
    case provisionedThroughputExceeded(String)
    case throttling(String)
    case requestLimitExceeded(String)
    case itemCollectionSizeLimitExceeded(String)
    case transactionConflict(String)
    case transactionCanceled(String, reasons: [CancellationReason])
    case transactionInProgress(String)
    case idempotentParameterMismatch(String)
    case payloadTooLarge(String)
    case internalFailure(String)
    /// DynamoDB Streams: a shard iterator older than 15 minutes.
    case expiredIterator(String)
    /// DynamoDB Streams: a position whose records are past retention.
    case trimmedDataAccess(String)
    /// PartiQL: an INSERT whose key is taken.
    case duplicateItem(String)
    case backupNotFound(String)
    /// A backup still being made, or being deleted.
    case backupInUse(String)
    /// A restore's target name is taken.
    case tableAlreadyExists(String)
    /// A backup or restore of a table that is being created, restored or deleted.
    case tableInUse(String)
    /// A point-in-time restore of a table without point-in-time recovery.
    case pointInTimeRecoveryUnavailable(String)
    /// Backups that the storage engine does not offer.
    case continuousBackupsUnavailable(String)
    /// A restore time outside the restorable window.
    case invalidRestoreTime(String)
    case exportNotFound(String)
    /// An export time outside the restorable window.
    case invalidExportTime(String)
    case importNotFound(String)

    /// The error type's name, the last part of `__type`.
    public var typeName: String {
        switch self {
        case .validation: "ValidationException"
        case .serialization: "SerializationException"
        case .unknownOperation: "UnknownOperationException"
        case .missingAuthenticationToken: "MissingAuthenticationTokenException"
        case .accessDenied: "AccessDeniedException"
        case .unrecognizedClient: "UnrecognizedClientException"
        case .invalidSignature: "InvalidSignatureException"
        case .incompleteSignature: "IncompleteSignatureException"
        case .resourceNotFound: "ResourceNotFoundException"
        case .tableNotFound: "TableNotFoundException"
        case .policyNotFound: "PolicyNotFoundException"
        case .resourceInUse: "ResourceInUseException"
        case .limitExceeded: "LimitExceededException"
        case .conditionalCheckFailed: "ConditionalCheckFailedException"
        case .provisionedThroughputExceeded: "ProvisionedThroughputExceededException"
        case .throttling: "ThrottlingException"
        case .requestLimitExceeded: "RequestLimitExceeded"
        case .itemCollectionSizeLimitExceeded: "ItemCollectionSizeLimitExceededException"
        case .transactionConflict: "TransactionConflictException"
        case .transactionCanceled: "TransactionCanceledException"
        case .transactionInProgress: "TransactionInProgressException"
        case .idempotentParameterMismatch: "IdempotentParameterMismatchException"
        case .payloadTooLarge: "RequestEntityTooLarge"
        case .internalFailure: "InternalServerError"
        case .expiredIterator: "ExpiredIteratorException"
        case .trimmedDataAccess: "TrimmedDataAccessException"
        case .duplicateItem: "DuplicateItemException"
        case .backupNotFound: "BackupNotFoundException"
        case .backupInUse: "BackupInUseException"
        case .tableAlreadyExists: "TableAlreadyExistsException"
        case .tableInUse: "TableInUseException"
        case .pointInTimeRecoveryUnavailable: "PointInTimeRecoveryUnavailableException"
        case .continuousBackupsUnavailable: "ContinuousBackupsUnavailableException"
        case .invalidRestoreTime: "InvalidRestoreTimeException"
        case .exportNotFound: "ExportNotFoundException"
        case .invalidExportTime: "InvalidExportTimeException"
        case .importNotFound: "ImportNotFoundException"
        }
    }

    /// DynamoDB reports protocol and auth errors from its front end
    /// (`coral.service`), validation from `coral.validate`, and the rest
    /// from the DynamoDB service itself.
    public var namespace: String {
        switch self {
        case .serialization, .unknownOperation, .missingAuthenticationToken, .accessDenied,
             .unrecognizedClient, .invalidSignature, .incompleteSignature, .payloadTooLarge:
            "com.amazon.coral.service"
        case .throttling:
            "com.amazon.coral.availability"
        case .validation:
            "com.amazon.coral.validate"
        default:
            "com.amazonaws.dynamodb.v20120810"
        }
    }

    /// The full `__type` value.
    public var qualifiedTypeName: String { namespace + "#" + typeName }

    public var httpStatus: Int {
        switch self {
        case .payloadTooLarge: 413
        case .internalFailure: 500
        default: 400
        }
    }

    public var message: String? {
        switch self {
        case .unknownOperation: nil
        case .validation(let m), .serialization(let m), .missingAuthenticationToken(let m), .accessDenied(let m),
             .unrecognizedClient(let m), .invalidSignature(let m), .incompleteSignature(let m), .resourceNotFound(let m), .tableNotFound(let m), .policyNotFound(let m), .resourceInUse(let m),
             .limitExceeded(let m), .conditionalCheckFailed(let m, _), .provisionedThroughputExceeded(let m),
             .throttling(let m), .requestLimitExceeded(let m), .itemCollectionSizeLimitExceeded(let m),
             .transactionConflict(let m), .transactionCanceled(let m, _), .transactionInProgress(let m), .idempotentParameterMismatch(let m), .payloadTooLarge(let m),
             .internalFailure(let m), .expiredIterator(let m), .trimmedDataAccess(let m), .duplicateItem(let m),
             .backupNotFound(let m), .backupInUse(let m), .tableAlreadyExists(let m), .tableInUse(let m),
             .pointInTimeRecoveryUnavailable(let m), .continuousBackupsUnavailable(let m), .invalidRestoreTime(let m),
             .exportNotFound(let m), .invalidExportTime(let m), .importNotFound(let m):
            m
        }
    }
}
