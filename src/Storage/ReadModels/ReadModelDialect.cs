using System.Data.Common;

namespace TryOn.Storage.ReadModels;

/// <summary>
/// A relational database holding the read model. The read models (<see cref="AccountReadModel"/> and the others) hold
/// the logic, mapping and paging; the database supplies connections and its dialect: the SQL text and how it stores
/// a timestamp. Every statement names its parameters <c>@name</c>, which both SQLite and Npgsql accept.
/// </summary>
internal interface IReadModelDatabase
{
    ReadModelDialect Dialect { get; }

    /// <summary>A connection for reading.</summary>
    Task<DbConnection> OpenReadModelConnectionAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Runs <paramref name="write"/> in a transaction and commits it: all of it is stored or none. The database may
    /// commit it together with other writes (SQLite does). The write must not commit, roll back or keep the
    /// connection or transaction it is given.
    /// </summary>
    Task WriteAsync(Func<DbConnection, DbTransaction, Task> write, CancellationToken cancellationToken);
}

/// <summary>
/// The SQL of one database engine for every read-model statement, and its timestamp representation: the statements
/// both engines share (<see cref="StandardReadModelSql"/>) and the few it writes its own way.
/// </summary>
internal sealed record ReadModelDialect(
    Func<DateTimeOffset, object> Timestamp,
    Func<DbDataReader, int, DateTimeOffset> ReadTimestamp,
    ProductSql Products,
    GenerationSql Generations)
{
    /// <summary>
    /// Lists page on <c>(created_at, id) &lt; (@created, @id)</c>; the first page passes this instant, after every row,
    /// so one statement serves every page.
    /// </summary>
    public static readonly DateTimeOffset EndOfTime = DateTimeOffset.MaxValue;

    public AccountSql Accounts => StandardReadModelSql.Accounts;

    public ImageSql Images => StandardReadModelSql.Images;
}

// Statement parameters are named in AccountReadModel, ImageReadModel, ProductReadModel and GenerationReadModel.
// Upserts write only a newer version (generation_files also rewrites its own version); inserts leave an existing
// row as it is; lists ask for @limit rows, newest first, after the keyset (@created, @id); expiry indexes ask for
// @limit rows due at @now, earliest first, after the keyset (@due, @id).

internal sealed record AccountSql(string Upsert, string InsertLedgerEntry, string List, string ListWithReservations, string ListLedger);

internal sealed record ImageSql(string Insert, string Delete, string ListExpired, string ListByExternalUser);

/// <summary>The product statements: the upsert and the list are the engine's own (the JSON document, the listed flag).</summary>
internal sealed record ProductSql(string Upsert, string List)
{
    public string Delete => StandardReadModelSql.DeleteProduct;

    public string ListExpired => StandardReadModelSql.ListExpiredProducts;
}

/// <summary>
/// The generation statements: the engine writes the generation's upsert (its JSON document), the find, the list and
/// the stats and daily counts (aggregates, a day of a timestamp); <see cref="Upsert"/> writes the generation's files index with it, in one batch.
/// </summary>
internal sealed record GenerationSql(string UpsertGeneration, string Find, string List, string Stats, string Daily)
{
    public string Upsert { get; } = UpsertGeneration + "\n" + StandardReadModelSql.UpsertGenerationFiles;

    public string ListUnfinished => StandardReadModelSql.ListUnfinishedGenerations;

    public string ListByExternalUser => StandardReadModelSql.ListGenerationsByExternalUser;

    public string ListFilesExpired => StandardReadModelSql.ListExpiredGenerationFiles;

    public string VersionOf => StandardReadModelSql.GenerationVersion;
}
