using TryOn.Contracts.Accounts;
using TryOn.Contracts.Generations;
using TryOn.Contracts.Images;
using TryOn.Contracts.Paging;
using TryOn.Contracts.Products;
using TryOn.Grains.Accounts;
using TryOn.Grains.Generations;
using TryOn.Grains.Images;
using TryOn.Grains.Persistence;
using TryOn.Grains.Persistence.Sqlite;
using TryOn.Grains.Products;
using TryOn.Storage.Postgres;
using TryOn.Storage.ReadModels;
using TryOn.Storage.Sqlite;
using TryOn.Tests.Infrastructure;

namespace TryOn.Tests.Persistence;

/// <summary>One PostgreSQL server for the class; every test gets fresh databases in both stores.</summary>
public sealed class ReadModelStoresFixture : IAsyncLifetime
{
    public PostgresServer Postgres { get; private set; } = null!;

    public async Task InitializeAsync() => Postgres = await PostgresServer.StartAsync();

    public async Task DisposeAsync() => await Postgres.DisposeAsync();
}

/// <summary>
/// What every read-model store promises, checked on SQLite (embedded mode) and PostgreSQL (cluster mode): order,
/// cursors, version guards, and the expiry and end-user indexes that retention and erasure read.
/// </summary>
public sealed class ReadModelContractTests(ReadModelStoresFixture fixture) : IClassFixture<ReadModelStoresFixture>, IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    private readonly TempDirectory _directory = new();
    private readonly List<PostgresDatabase> _opened = [];

    public static TheoryData<string> Stores => ["sqlite", "postgres"];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var database in _opened)
        {
            await database.DisposeAsync();
        }

        _directory.Dispose();
    }

    private async Task<IReadModelDatabase> StoreAsync(string kind)
    {
        if (kind == "sqlite")
        {
            var sqlite = new SqliteDatabase(Path.Combine(_directory.Path, Guid.NewGuid().ToString("N")));
            await sqlite.ApplySchemaAsync();
            return sqlite;
        }

        var postgres = new PostgresDatabase(await fixture.Postgres.CreateDatabaseAsync());
        _opened.Add(postgres);
        await postgres.MigrateAsync();
        return postgres;
    }

    private static string NewAccountId() => "acct_" + Guid.NewGuid().ToString("N")[..12];

    private static AccountSnapshot Account(string id, DateTimeOffset createdAt, long version = 1, long reserved = 0, DateTimeOffset? updatedAt = null, string? name = null) =>
        new(id, name ?? "Shop " + id, true, 100, reserved, new AccountLimits(10, 20, 3, 50), 30, createdAt, updatedAt ?? createdAt, version);

    private static LedgerEntry Entry(long sequence, string reason = "grant") =>
        new(sequence, LedgerEntryKind.Grant, 10, 10 * sequence, 0, reason, sequence % 2 == 0 ? "ref-" + sequence : null, T0.AddMinutes(sequence));

    private static ProductSnapshot Product(
        string accountId, string externalId, DateTimeOffset createdAt, long version = 1, ProductKind kind = ProductKind.Catalog,
        DateTimeOffset? expiresAt = null, string? title = null) =>
        new(accountId, externalId, kind, title ?? "Title " + externalId, null, [], null, null, "tops", null, expiresAt, createdAt, createdAt, version, false);

    private static GenerationRecord Generation(
        string accountId, string id, DateTimeOffset createdAt, GenerationStatus status = GenerationStatus.Completed, long version = 1,
        string product = "p1", string? user = null, long? timeMs = null, DateTimeOffset? updatedAt = null, DateTimeOffset? filesExpireAt = null) =>
        new(accountId, new GenerationView(id, status, 0, null, product, null, null, null, null, timeMs, createdAt, updatedAt ?? createdAt), user, version, filesExpireAt);

    private static StoredImageRecord Image(string accountId, string id, DateTimeOffset expiresAt, string? user = null) =>
        new(id, accountId, $"{accountId}/uploads/{id}.jpg", "image/jpeg", 10, 10, user, T0, expiresAt);

    /// <summary>Every item of a list, following cursors page by page.</summary>
    private static async Task<List<T>> AllPagesAsync<T>(Func<PageRequest, Task<Page<T>>> list, int pageSize)
    {
        var items = new List<T>();
        string? after = null;
        for (var pages = 0; pages < 100; pages++)
        {
            var page = await list(new PageRequest(after, pageSize));
            Assert.True(page.Items.Count <= pageSize);
            items.AddRange(page.Items);
            if (page.NextAfter is null)
            {
                return items;
            }

            Assert.Equal(pageSize, page.Items.Count);
            after = page.NextAfter;
        }

        throw new InvalidOperationException("The list never ended.");
    }

    // Accounts ------------------------------------------------------------------------------------------------------

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task Accounts_are_listed_newest_first_and_pages_continue_without_repeats_across_equal_times(string kind)
    {
        var accounts = new AccountReadModel(await StoreAsync(kind));
        // Two pairs share a creation time: the id breaks the tie.
        var ids = new[] { "acct_a", "acct_b", "acct_c", "acct_d", "acct_e" };
        var created = new[] { T0, T0.AddSeconds(1), T0.AddSeconds(1), T0.AddSeconds(2), T0.AddSeconds(2) };
        for (var i = 0; i < ids.Length; i++)
        {
            await accounts.PublishAsync(Account(ids[i], created[i]), []);
        }

        var listed = await AllPagesAsync(page => accounts.ListAccountsAsync(page), 2);

        Assert.Equal(["acct_e", "acct_d", "acct_c", "acct_b", "acct_a"], listed.Select(account => account.AccountId));
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task An_account_row_takes_only_a_newer_version_and_keeps_every_field(string kind)
    {
        var accounts = new AccountReadModel(await StoreAsync(kind));
        var id = NewAccountId();
        var second = Account(id, T0, version: 2, reserved: 4, updatedAt: T0.AddMinutes(2), name: "Second");
        await accounts.PublishAsync(second, []);
        await accounts.PublishAsync(Account(id, T0, version: 1, name: "First"), []);
        Assert.Equal(second, Assert.Single((await accounts.ListAccountsAsync(new PageRequest(null, 10))).Items));

        var third = second with { Name = "Third", Version = 3, Active = false, Limits = new AccountLimits(1, 2, 3, 4), RetentionDays = 7 };
        await accounts.PublishAsync(third, []);
        Assert.Equal(third, Assert.Single((await accounts.ListAccountsAsync(new PageRequest(null, 10))).Items));
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task Ledger_entries_are_written_once_and_listed_newest_first_by_sequence(string kind)
    {
        var accounts = new AccountReadModel(await StoreAsync(kind));
        var id = NewAccountId();
        var other = NewAccountId();
        await accounts.PublishAsync(Account(id, T0), [Entry(1), Entry(2), Entry(3)]);
        // A re-published entry changes nothing, however it differs.
        await accounts.PublishAsync(Account(id, T0, version: 2), [Entry(3, "again"), Entry(4), Entry(5)]);
        await accounts.PublishAsync(Account(other, T0), [Entry(1)]);

        var ledger = await AllPagesAsync(page => accounts.ListLedgerAsync(id, page), 2);

        Assert.Equal([5L, 4, 3, 2, 1], ledger.Select(entry => entry.Sequence));
        Assert.Equal(Entry(3), ledger[2]);
        Assert.Equal(Entry(4), ledger[1]);
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task Accounts_holding_reservations_are_listed_least_recently_changed_first(string kind)
    {
        var accounts = new AccountReadModel(await StoreAsync(kind));
        await accounts.PublishAsync(Account("acct_late", T0, reserved: 1, updatedAt: T0.AddMinutes(3)), []);
        await accounts.PublishAsync(Account("acct_none", T0, reserved: 0, updatedAt: T0.AddMinutes(1)), []);
        await accounts.PublishAsync(Account("acct_early", T0, reserved: 2, updatedAt: T0.AddMinutes(2)), []);

        Assert.Equal(["acct_early", "acct_late"], await accounts.ListAccountsWithReservationsAsync(10));
        Assert.Equal(["acct_early"], await accounts.ListAccountsWithReservationsAsync(1));
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task A_cursor_that_does_not_parse_gives_an_empty_page(string kind)
    {
        var database = await StoreAsync(kind);
        var accountId = NewAccountId();
        await new AccountReadModel(database).PublishAsync(Account(accountId, T0), []);
        await new ProductReadModel(database).UpsertAsync(Product(accountId, "p1", T0));
        await new GenerationReadModel(database).UpsertAsync(Generation(accountId, "gen_1", T0));

        foreach (var cursor in new[] { "not a cursor", "2026-11-23|x", "|acct" })
        {
            Assert.Empty((await new AccountReadModel(database).ListAccountsAsync(new PageRequest(cursor, 10))).Items);
            Assert.Empty((await new ProductReadModel(database).ListAsync(accountId, new PageRequest(cursor, 10), T0)).Items);
            Assert.Empty((await new GenerationReadModel(database).ListAsync(accountId, null, new PageRequest(cursor, 10))).Items);
        }
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task A_generation_is_found_as_last_published_only_for_its_account(string kind)
    {
        var database = await StoreAsync(kind);
        var accountId = NewAccountId();
        var generations = new GenerationReadModel(database);
        await generations.UpsertAsync(Generation(accountId, "gen_f", T0, GenerationStatus.Processing, version: 1));
        await generations.UpsertAsync(Generation(accountId, "gen_f", T0, GenerationStatus.Completed, version: 2, timeMs: 1500));

        var found = await generations.FindAsync(accountId, "gen_f");

        Assert.Equal((GenerationStatus.Completed, 1500L), (found!.Status, found.GenerationTimeMs!.Value));
        Assert.Null(await generations.FindAsync(NewAccountId(), "gen_f"));
        Assert.Null(await generations.FindAsync(accountId, "gen_missing"));
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task A_generation_row_reports_the_version_it_holds(string kind)
    {
        var generations = new GenerationReadModel(await StoreAsync(kind));
        var accountId = NewAccountId();
        var id = "gen_v_" + accountId[5..];
        Assert.Null(await generations.VersionOfAsync(id));

        await generations.UpsertAsync(Generation(accountId, id, T0, GenerationStatus.Pending, version: 1));
        await generations.UpsertAsync(Generation(accountId, id, T0, GenerationStatus.Completed, version: 3));
        await generations.UpsertAsync(Generation(accountId, id, T0, GenerationStatus.Processing, version: 2));

        Assert.Equal(3, await generations.VersionOfAsync(id));
    }

    // Images --------------------------------------------------------------------------------------------------------

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task Images_due_for_removal_are_listed_earliest_first_and_leave_when_deleted(string kind)
    {
        var images = new ImageReadModel(await StoreAsync(kind));
        var accountId = NewAccountId();
        await images.UpsertAsync(Image(accountId, "img_late", T0.AddDays(2)));
        await images.UpsertAsync(Image(accountId, "img_due", T0));
        await images.UpsertAsync(Image(accountId, "img_early", T0.AddDays(-1)));
        // The first record of an id stays: a repeat does not move its expiry.
        await images.UpsertAsync(Image(accountId, "img_early", T0.AddDays(5)));

        Assert.Equal(["img_early", "img_due"], (await images.ListExpiredAsync(T0, new PageRequest(null, 10))).Items);
        Assert.Equal(["img_early"], (await images.ListExpiredAsync(T0, new PageRequest(null, 1))).Items);

        await images.DeleteAsync("img_early");
        await images.DeleteAsync("img_early");
        Assert.Equal(["img_due", "img_late"], (await images.ListExpiredAsync(T0.AddDays(3), new PageRequest(null, 10))).Items);
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task An_end_users_images_are_paged_in_id_order_within_their_account(string kind)
    {
        var images = new ImageReadModel(await StoreAsync(kind));
        var accountId = NewAccountId();
        var otherAccount = NewAccountId();
        foreach (var id in new[] { "img_3", "img_1", "img_2" })
        {
            await images.UpsertAsync(Image(accountId, id, T0.AddDays(7), "user-1"));
        }

        await images.UpsertAsync(Image(accountId, "img_0", T0.AddDays(7), "user-2"));
        await images.UpsertAsync(Image(accountId, "img_00", T0.AddDays(7)));
        await images.UpsertAsync(Image(otherAccount, "img_4", T0.AddDays(7), "user-1"));

        Assert.Equal(["img_1", "img_2"], await images.ListByExternalUserAsync(accountId, "user-1", null, 2));
        Assert.Equal(["img_3"], await images.ListByExternalUserAsync(accountId, "user-1", "img_2", 2));
        Assert.Empty(await images.ListByExternalUserAsync(accountId, "user-1", "img_3", 2));
        Assert.Equal(["img_4"], await images.ListByExternalUserAsync(otherAccount, "user-1", null, 10));
    }

    // Products ------------------------------------------------------------------------------------------------------

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task Products_list_holds_listed_unexpired_products_newest_first_page_by_page(string kind)
    {
        var products = new ProductReadModel(await StoreAsync(kind));
        var accountId = NewAccountId();
        await products.UpsertAsync(Product(accountId, "p1", T0.AddMinutes(1)));
        await products.UpsertAsync(Product(accountId, "p2", T0.AddMinutes(2), kind: ProductKind.Inline, expiresAt: T0.AddDays(15)));
        await products.UpsertAsync(Product(accountId, "p3", T0.AddMinutes(2)));
        await products.UpsertAsync(Product(accountId, "p4", T0.AddMinutes(3)));
        await products.UpsertAsync(Product(accountId, "_anon_1", T0.AddMinutes(4), kind: ProductKind.OneShot, expiresAt: T0.AddDays(7)));
        await products.UpsertAsync(Product(accountId, "gone", T0.AddMinutes(5), expiresAt: T0));
        await products.UpsertAsync(Product(NewAccountId(), "elsewhere", T0.AddMinutes(6)));

        var listed = await AllPagesAsync(page => products.ListAsync(accountId, page, T0), 2);

        Assert.Equal(["p4", "p3", "p2", "p1"], listed.Select(product => product.ExternalId));
        Assert.Equal("Title p3", listed[1].Title);
        Assert.Equal(T0.AddDays(15), listed[2].ExpiresAt);
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task A_product_row_takes_only_a_newer_version_and_delete_removes_it(string kind)
    {
        var products = new ProductReadModel(await StoreAsync(kind));
        var accountId = NewAccountId();
        await products.UpsertAsync(Product(accountId, "p1", T0, version: 5, title: "Five"));
        await products.UpsertAsync(Product(accountId, "p1", T0, version: 4, title: "Four"));
        await products.UpsertAsync(Product(accountId, "p1", T0, version: 5, title: "Five again"));
        Assert.Equal("Five", Assert.Single((await products.ListAsync(accountId, new PageRequest(null, 10), T0)).Items).Title);

        await products.UpsertAsync(Product(accountId, "p1", T0, version: 6, title: "Six"));
        Assert.Equal("Six", Assert.Single((await products.ListAsync(accountId, new PageRequest(null, 10), T0)).Items).Title);

        await products.DeleteAsync(accountId, "p1");
        await products.DeleteAsync(accountId, "p1");
        Assert.Empty((await products.ListAsync(accountId, new PageRequest(null, 10), T0)).Items);
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task Expired_products_are_listed_as_grain_keys_earliest_expiry_first(string kind)
    {
        var products = new ProductReadModel(await StoreAsync(kind));
        var accountId = NewAccountId();
        await products.UpsertAsync(Product(accountId, "later", T0, expiresAt: T0.AddHours(1)));
        await products.UpsertAsync(Product(accountId, "due", T0, expiresAt: T0));
        await products.UpsertAsync(Product(accountId, "_anon_x", T0, kind: ProductKind.OneShot, expiresAt: T0.AddHours(-1)));
        await products.UpsertAsync(Product(accountId, "forever", T0));

        Assert.Equal([ProductKeys.GrainKey(accountId, "_anon_x"), ProductKeys.GrainKey(accountId, "due")], (await products.ListExpiredAsync(T0, new PageRequest(null, 10))).Items);
        Assert.Single((await products.ListExpiredAsync(T0, new PageRequest(null, 1))).Items);
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task Pages_neither_repeat_nor_skip_when_times_carry_sub_microsecond_ticks(string kind)
    {
        // PostgreSQL keeps microseconds, .NET keeps 100 ns ticks: a cursor made from a document must still land on
        // the row it came from.
        var products = new ProductReadModel(await StoreAsync(kind));
        var accountId = NewAccountId();
        var start = T0.AddTicks(1_234_567);
        for (var i = 0; i < 6; i++)
        {
            await products.UpsertAsync(Product(accountId, $"p{i}", start.AddTicks(i / 2 * 3)));
        }

        var listed = await AllPagesAsync(page => products.ListAsync(accountId, page, T0), 1);

        Assert.Equal(["p5", "p4", "p3", "p2", "p1", "p0"], listed.Select(product => product.ExternalId));
    }

    // Generations ---------------------------------------------------------------------------------------------------

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task Generations_are_listed_newest_first_optionally_of_one_status_page_by_page(string kind)
    {
        var generations = new GenerationReadModel(await StoreAsync(kind));
        var accountId = NewAccountId();
        await generations.UpsertAsync(Generation(accountId, "gen_a", T0, GenerationStatus.Completed));
        await generations.UpsertAsync(Generation(accountId, "gen_b", T0.AddMinutes(1), GenerationStatus.Failed));
        await generations.UpsertAsync(Generation(accountId, "gen_c", T0.AddMinutes(1), GenerationStatus.Completed));
        await generations.UpsertAsync(Generation(accountId, "gen_d", T0.AddMinutes(2), GenerationStatus.Pending));
        await generations.UpsertAsync(Generation(NewAccountId(), "gen_e", T0.AddMinutes(3)));

        var all = await AllPagesAsync(page => generations.ListAsync(accountId, null, page), 2);
        var completed = await AllPagesAsync(page => generations.ListAsync(accountId, GenerationStatus.Completed, page), 1);

        Assert.Equal(["gen_d", "gen_c", "gen_b", "gen_a"], all.Select(generation => generation.GenerationId));
        Assert.Equal(["gen_c", "gen_a"], completed.Select(generation => generation.GenerationId));
        Assert.Equal(GenerationStatus.Failed, all[2].Status);
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task A_generation_row_takes_only_a_newer_version_and_its_files_row_also_the_same_version(string kind)
    {
        var database = await StoreAsync(kind);
        var generations = new GenerationReadModel(database);
        var accountId = NewAccountId();
        await generations.UpsertAsync(Generation(accountId, "gen_1", T0, GenerationStatus.Completed, version: 3, filesExpireAt: T0.AddDays(3)));
        // An older version changes neither row.
        await generations.UpsertAsync(Generation(accountId, "gen_1", T0, GenerationStatus.Processing, version: 2, filesExpireAt: T0));
        Assert.Equal(GenerationStatus.Completed, Assert.Single((await generations.ListAsync(accountId, null, new PageRequest(null, 10))).Items).Status);
        Assert.Empty((await generations.ListFilesExpiredAsync(T0.AddDays(1), new PageRequest(null, 10))).Items);

        // The same version rewrites the files row (a grain correcting a back-filled row), not the generation.
        await generations.UpsertAsync(Generation(accountId, "gen_1", T0, GenerationStatus.Failed, version: 3, filesExpireAt: T0.AddHours(1)));
        Assert.Equal(GenerationStatus.Completed, Assert.Single((await generations.ListAsync(accountId, null, new PageRequest(null, 10))).Items).Status);
        Assert.Equal(["gen_1"], (await generations.ListFilesExpiredAsync(T0.AddDays(1), new PageRequest(null, 10))).Items);

        // Files removed: no longer due.
        await generations.UpsertAsync(Generation(accountId, "gen_1", T0, GenerationStatus.Completed, version: 4));
        Assert.Empty((await generations.ListFilesExpiredAsync(T0.AddDays(10), new PageRequest(null, 10))).Items);
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task Stats_count_a_products_generations_created_within_an_inclusive_window(string kind)
    {
        var generations = new GenerationReadModel(await StoreAsync(kind));
        var accountId = NewAccountId();
        await generations.UpsertAsync(Generation(accountId, "gen_1", T0, GenerationStatus.Completed, timeMs: 1000));
        await generations.UpsertAsync(Generation(accountId, "gen_2", T0.AddHours(1), GenerationStatus.Completed, timeMs: 2002));
        await generations.UpsertAsync(Generation(accountId, "gen_3", T0.AddHours(2), GenerationStatus.Failed, timeMs: 9000));
        await generations.UpsertAsync(Generation(accountId, "gen_4", T0.AddHours(3), GenerationStatus.Processing));
        await generations.UpsertAsync(Generation(accountId, "gen_5", T0.AddHours(1), GenerationStatus.Completed, product: "p2", timeMs: 5));

        Assert.Equal(new ProductGenerationStats(4, 2, 1, 1501), await generations.StatsAsync(accountId, "p1", null, null));
        Assert.Equal(new ProductGenerationStats(2, 1, 1, 2002), await generations.StatsAsync(accountId, "p1", T0.AddHours(1), T0.AddHours(2)));
        Assert.Equal(new ProductGenerationStats(3, 2, 1, 1501), await generations.StatsAsync(accountId, "p1", null, T0.AddHours(2)));
        Assert.Equal(new ProductGenerationStats(1, 0, 0, 0), await generations.StatsAsync(accountId, "p1", T0.AddHours(3), null));
        Assert.Equal(new ProductGenerationStats(0, 0, 0, 0), await generations.StatsAsync(accountId, "none", null, null));
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task Daily_counts_group_an_accounts_generations_by_utc_day_within_a_half_open_window(string kind)
    {
        var generations = new GenerationReadModel(await StoreAsync(kind));
        var accountId = NewAccountId();
        var midnight = new DateTimeOffset(T0.UtcDateTime.Date, TimeSpan.Zero);
        await generations.UpsertAsync(Generation(accountId, "gen_1", midnight, GenerationStatus.Completed));
        await generations.UpsertAsync(Generation(accountId, "gen_2", midnight.AddHours(23.99), GenerationStatus.Failed));
        await generations.UpsertAsync(Generation(accountId, "gen_3", midnight.AddHours(23.99), GenerationStatus.Pending, product: "p2"));
        // 20:00 at UTC-5 is 01:00 the next day in UTC: days are UTC days.
        await generations.UpsertAsync(Generation(accountId, "gen_4", midnight.AddDays(2).AddHours(1).ToOffset(TimeSpan.FromHours(-5)), GenerationStatus.Completed));
        await generations.UpsertAsync(Generation(accountId, "gen_5", midnight.AddDays(3), GenerationStatus.Completed));
        await generations.UpsertAsync(Generation(NewAccountId(), "gen_6", midnight, GenerationStatus.Completed));

        var day = DateOnly.FromDateTime(midnight.UtcDateTime);
        Assert.Equal(
            [new GenerationDay(day, 3, 1, 1), new GenerationDay(day.AddDays(2), 1, 1, 0)],
            await generations.DailyAsync(accountId, midnight, midnight.AddDays(3)));
        Assert.Equal([new GenerationDay(day.AddDays(2), 1, 1, 0)], await generations.DailyAsync(accountId, midnight.AddHours(24), midnight.AddDays(3)));
        Assert.Empty(await generations.DailyAsync(NewAccountId(), midnight, midnight.AddDays(3)));
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task Unfinished_generations_changed_before_a_time_are_listed_oldest_change_first(string kind)
    {
        var generations = new GenerationReadModel(await StoreAsync(kind));
        var accountId = NewAccountId();
        await generations.UpsertAsync(Generation(accountId, "gen_p", T0, GenerationStatus.Processing, updatedAt: T0.AddMinutes(2)));
        await generations.UpsertAsync(Generation(accountId, "gen_q", T0, GenerationStatus.Pending, updatedAt: T0.AddMinutes(1)));
        await generations.UpsertAsync(Generation(accountId, "gen_done", T0, GenerationStatus.Completed));
        await generations.UpsertAsync(Generation(accountId, "gen_recent", T0, GenerationStatus.Pending, updatedAt: T0.AddMinutes(9)));

        Assert.Equal(["gen_q", "gen_p"], await generations.ListUnfinishedAsync(T0.AddMinutes(5), 10));
        Assert.Equal(["gen_q"], await generations.ListUnfinishedAsync(T0.AddMinutes(5), 1));
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task An_end_users_generations_are_paged_in_id_order_within_their_account(string kind)
    {
        var generations = new GenerationReadModel(await StoreAsync(kind));
        var accountId = NewAccountId();
        foreach (var id in new[] { "gen_2", "gen_3", "gen_1" })
        {
            await generations.UpsertAsync(Generation(accountId, id, T0, user: "user-1"));
        }

        await generations.UpsertAsync(Generation(accountId, "gen_0", T0, user: "user-2"));
        await generations.UpsertAsync(Generation(NewAccountId(), "gen_4", T0, user: "user-1"));
        // Anonymised by a newer version: no longer the user's.
        await generations.UpsertAsync(Generation(accountId, "gen_3", T0, user: null, version: 2));

        Assert.Equal(["gen_1"], await generations.ListByExternalUserAsync(accountId, "user-1", null, 1));
        Assert.Equal(["gen_2"], await generations.ListByExternalUserAsync(accountId, "user-1", "gen_1", 10));
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task Expiry_indexes_page_on_expiry_then_key_so_a_cursor_reaches_every_due_entry_once(string kind)
    {
        var database = await StoreAsync(kind);
        var images = new ImageReadModel(database);
        var products = new ProductReadModel(database);
        var generations = new GenerationReadModel(database);
        var accountId = NewAccountId();
        var otherAccountId = NewAccountId();
        // Ties on expiry (the key orders them), one due earlier, one not due yet; ticks below a microsecond on some.
        var tie = T0.AddTicks(7);
        foreach (var (id, due) in new[] { ("img_b", tie), ("img_c", tie), ("img_a", tie), ("img_0", T0.AddHours(-1)), ("img_late", T0.AddHours(1)) })
        {
            await images.UpsertAsync(Image(accountId, id, due));
            await generations.UpsertAsync(Generation(accountId, id.Replace("img_", "gen_", StringComparison.Ordinal), T0.AddDays(-7), filesExpireAt: due));
        }

        foreach (var (account, externalId, due) in new[] { (otherAccountId, "p", tie), (accountId, "p|2", tie), (accountId, "p|1", tie), (accountId, "q", T0.AddHours(-1)), (accountId, "later", T0.AddHours(1)) })
        {
            await products.UpsertAsync(Product(account, externalId, T0.AddDays(-7), expiresAt: due));
        }

        Assert.Equal(["img_0", "img_a", "img_b", "img_c"], await AllPagesAsync(page => images.ListExpiredAsync(tie, page)));
        Assert.Equal(["gen_0", "gen_a", "gen_b", "gen_c"], await AllPagesAsync(page => generations.ListFilesExpiredAsync(tie, page)));
        var first = string.CompareOrdinal(accountId, otherAccountId) < 0 ? accountId : otherAccountId;
        Assert.Equal(
            [
                ProductKeys.GrainKey(accountId, "q"),
                .. first == accountId
                    ? new[] { ProductKeys.GrainKey(accountId, "p|1"), ProductKeys.GrainKey(accountId, "p|2"), ProductKeys.GrainKey(otherAccountId, "p") }
                    : [ProductKeys.GrainKey(otherAccountId, "p"), ProductKeys.GrainKey(accountId, "p|1"), ProductKeys.GrainKey(accountId, "p|2")],
            ],
            await AllPagesAsync(page => products.ListExpiredAsync(tie, page)));
        Assert.Empty((await images.ListExpiredAsync(tie, new PageRequest("not a cursor", 10))).Items);
    }

    /// <summary>Every key of an expiry index, read two at a time by following the cursors.</summary>
    private static async Task<List<string>> AllPagesAsync(Func<PageRequest, Task<Page<string>>> list)
    {
        var keys = new List<string>();
        string? after = null;
        do
        {
            var page = await list(new PageRequest(after, 2));
            Assert.InRange(page.Items.Count, 1, 2);
            keys.AddRange(page.Items);
            after = page.NextAfter;
        }
        while (after is not null);

        return keys;
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task Generation_files_are_due_earliest_first_and_not_while_they_have_no_expiry(string kind)
    {
        var generations = new GenerationReadModel(await StoreAsync(kind));
        var accountId = NewAccountId();
        await generations.UpsertAsync(Generation(accountId, "gen_late", T0, filesExpireAt: T0.AddDays(3)));
        await generations.UpsertAsync(Generation(accountId, "gen_running", T0, GenerationStatus.Processing));
        await generations.UpsertAsync(Generation(accountId, "gen_due", T0, filesExpireAt: T0));
        await generations.UpsertAsync(Generation(accountId, "gen_early", T0, filesExpireAt: T0.AddDays(-2)));

        Assert.Equal(["gen_early", "gen_due"], (await generations.ListFilesExpiredAsync(T0, new PageRequest(null, 10))).Items);
        Assert.Equal(["gen_early"], (await generations.ListFilesExpiredAsync(T0, new PageRequest(null, 1))).Items);
        Assert.Equal(["gen_early", "gen_due", "gen_late"], (await generations.ListFilesExpiredAsync(T0.AddYears(1), new PageRequest(null, 10))).Items);
    }
}
