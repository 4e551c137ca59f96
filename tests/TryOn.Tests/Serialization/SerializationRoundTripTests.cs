using System.Collections.Immutable;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Orleans.Storage;
using TryOn.Contracts.Accounts;
using TryOn.Contracts.ApiKeys;
using TryOn.Contracts.Generations;
using TryOn.Contracts.Images;
using TryOn.Contracts.People;
using TryOn.Contracts.Products;
using TryOn.Grains.Accounts;
using TryOn.Grains.ApiKeys;
using TryOn.Grains.Generations;
using TryOn.Grains.Images;
using TryOn.Grains.People;
using TryOn.Grains.Products;

namespace TryOn.Tests.Serialization;

/// <summary>Every persisted and grain-crossing type survives Orleans' serializer and the grain storage serializer unchanged.</summary>
public sealed class SerializationRoundTripTests
{
    private static readonly Serializer Serializer = new ServiceCollection().AddSerializer().BuildServiceProvider().GetRequiredService<Serializer>();

    private static readonly DateTimeOffset Now = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void AccountState_round_trips_through_the_grain_storage_serializer()
    {
        var state = new AccountState
        {
            Created = true,
            Name = "Shop",
            Active = false,
            CreditBalance = 17,
            ReservedCredits = 3,
            Limits = new AccountLimits(5, 60, 2),
            RetentionDays = 3,
            CreatedAt = Now,
            UpdatedAt = Now.AddMinutes(1),
            ApiKeys =
            [
                new ApiKeyRecord
                {
                    KeyId = "key_1", Name = "server", Prefix = "gk_abcdefgh", Hash = [1, 2, 3], CreatedAt = Now, LastUsedAt = Now.AddSeconds(5), RevokedAt = Now.AddDays(1),
                },
            ],
            LedgerSequence = 9,
            UnpublishedLedger = [new LedgerEntry(9, LedgerEntryKind.Reservation, -1, 17, 3, "generation", "gen_1", Now)],
            Version = 12,
            OpenReservations = new() { ["gen_1"] = Now, ["gen_2"] = Now.AddSeconds(1) },
            StoredBytes = 123_456,
            UnannouncedApiKeys = ["key_1"],
        };

        var storage = new OrleansGrainStorageSerializer(Serializer);
        var copy = storage.Deserialize<AccountState>(storage.Serialize(state))!;

        Assert.True(copy.Created);
        Assert.Equal("Shop", copy.Name);
        Assert.False(copy.Active);
        Assert.Equal(17, copy.CreditBalance);
        Assert.Equal(3, copy.ReservedCredits);
        Assert.Equal(state.Limits, copy.Limits);
        Assert.Equal(3, copy.RetentionDays);
        Assert.Equal(Now, copy.CreatedAt);
        Assert.Equal(Now.AddMinutes(1), copy.UpdatedAt);
        var key = Assert.Single(copy.ApiKeys);
        Assert.Equal(("key_1", "server", "gk_abcdefgh", Now, Now.AddSeconds(5), Now.AddDays(1)), (key.KeyId, key.Name, key.Prefix, key.CreatedAt, key.LastUsedAt, key.RevokedAt));
        Assert.Equal(new byte[] { 1, 2, 3 }, key.Hash);
        Assert.Equal(9, copy.LedgerSequence);
        Assert.Equal(state.UnpublishedLedger, copy.UnpublishedLedger);
        Assert.Equal(12, copy.Version);
        Assert.Equal(state.OpenReservations, copy.OpenReservations);
        Assert.Equal(123_456, copy.StoredBytes);
        Assert.Equal(["key_1"], copy.UnannouncedApiKeys);
    }

    [Fact]
    public void ApiKeyIndexState_round_trips_through_the_grain_storage_serializer()
    {
        var storage = new OrleansGrainStorageSerializer(Serializer);
        var copy = storage.Deserialize<ApiKeyIndexState>(storage.Serialize(
            new ApiKeyIndexState { Owner = new ApiKeyOwner("acct_1", "key_1"), Standing = new ApiKeyStanding(true, 4) }))!;
        Assert.Equal(new ApiKeyOwner("acct_1", "key_1"), copy.Owner);
        Assert.Equal(new ApiKeyStanding(true, 4), copy.Standing);
    }

    private static ProductSnapshot Product() => new(
        "acct_1", "shirt-42", ProductKind.Inline, "Red tee", null,
        [new ProductImage("pimg_1", "https://198.51.100.7/a.jpg", 0, ImmutableDictionary<string, bool>.Empty.Add("front", true), null,
            ImmutableDictionary<string, bool>.Empty.Add("flat_lay", true), "acct_1/products/pimg_1.jpg", null)],
        """{"sku":1}""", 15, "tops", Now, Now.AddDays(15), Now, Now, 4, CategoryGiven: false);

    [Fact]
    public void ProductState_and_ImageState_round_trip_through_the_grain_storage_serializer()
    {
        var storage = new OrleansGrainStorageSerializer(Serializer);
        var product = storage.Deserialize<ProductState>(storage.Serialize(new ProductState { Product = Product(), LastVersion = 4 }))!;
        Assert.Equal(4, product.LastVersion);
        Assert.Equal(Product() with { Images = product.Product!.Images }, product.Product);
        var image = Assert.Single(product.Product.Images);
        Assert.Equal(Product().Images[0].Classifications, image.Classifications);
        Assert.Equal("acct_1/products/pimg_1.jpg", image.BlobKey);

        var stored = new StoredImageRecord("img_1", "acct_1", "acct_1/images/img_1.jpg", "image/jpeg", 720, 900, "u-77", Now, Now.AddDays(7), Person());
        Assert.Equal(stored, storage.Deserialize<ImageState>(storage.Serialize(new ImageState { Image = stored }))!.Image);
        var beforeAnalysis = stored with { Person = null };
        Assert.Equal(beforeAnalysis, storage.Deserialize<ImageState>(storage.Serialize(new ImageState { Image = beforeAnalysis }))!.Image);
        var removed = storage.Deserialize<ImageState>(storage.Serialize(new ImageState { Image = stored with { ExternalUserId = null }, RemovedAt = Now.AddDays(1) }))!;
        Assert.Equal((stored with { ExternalUserId = null }, Now.AddDays(1)), (removed.Image, removed.RemovedAt));
    }

    [Fact]
    public void GenerationState_round_trips_through_the_grain_storage_serializer()
    {
        var request = new GenerationRequest("acct_1", Product(), new ShopperImage("acct_1/images/img_1.jpg", "img_1", null), 3, "acct_1/logo.png");
        var state = new GenerationState
        {
            Request = request,
            Status = GenerationStatus.Failed,
            ErrorCode = "GENERATION_FAILED",
            ErrorMessage = "erased",
            CreatedAt = Now,
            UpdatedAt = Now.AddSeconds(2),
            FinishedAt = Now.AddSeconds(2),
            Attempts = 1,
            CreditSettled = true,
            Version = 5,
            EndUserErased = true,
            FilesRemovedAt = Now.AddSeconds(3),
        };

        var storage = new OrleansGrainStorageSerializer(Serializer);
        var copy = storage.Deserialize<GenerationState>(storage.Serialize(state))!;

        Assert.Equal(request with { Product = copy.Request!.Product }, copy.Request);
        Assert.Equal(request.Product.Images[0].BlobKey, Assert.Single(copy.Request.Product.Images).BlobKey);
        Assert.Equal(
            (GenerationStatus.Failed, (string?)null, "GENERATION_FAILED", "erased", Now, Now.AddSeconds(2), (DateTimeOffset?)Now.AddSeconds(2), 1, true, 5L, false),
            (copy.Status, copy.ResultBlobKey, copy.ErrorCode, copy.ErrorMessage, copy.CreatedAt, copy.UpdatedAt, copy.FinishedAt, copy.Attempts, copy.CreditSettled, copy.Version, copy.Abandoned));
        Assert.True(copy.EndUserErased);
        Assert.Equal(Now.AddSeconds(3), copy.FilesRemovedAt);
        Assert.Equal(Now.AddDays(3), copy.FilesExpireAt);
    }

    private static PersonAnalysis Person() => new(
        true,
        new PersonBox(12, 40, 600, 860),
        PersonFraming.FullBody,
        true,
        0.93f,
        [.. Enumerable.Range(0, 33).Select(index => new BodyLandmark(index / 33f, 1 - (index / 33f), -0.1f * index, 0.99f, 0.5f + (index / 100f)))]);

    [Fact]
    public void A_person_reading_keeps_its_crop_landmarks_and_mask_bytes()
    {
        var reading = new PersonReading(10, 0, 880, 1100, Person(), [137, 80, 78, 71, 1, 2, 3]);
        var copy = Serializer.Deserialize<PersonReading>(Serializer.SerializeToArray(reading))!;
        Assert.Equal(reading with { MaskPng = copy.MaskPng }, copy);
        Assert.Equal(reading.MaskPng, copy.MaskPng);
        Assert.NotEqual(Person() with { Landmarks = [.. Person().Landmarks.Skip(1)] }, copy.Person);

        var photo = new PersonPhoto([1, 2, 3, 4, 5, 6], 2, 1, 4000, 2000);
        var photoCopy = Serializer.Deserialize<PersonPhoto>(Serializer.SerializeToArray(photo))!;
        Assert.Equal(photo.Rgb, photoCopy.Rgb);
        Assert.Equal(photo with { Rgb = photoCopy.Rgb }, photoCopy);
    }

    public static TheoryData<object> Messages() =>
    [
        Person(),
        PersonAnalysis.NotFound,
        new AccountLimits(1, 2, 3),
        new AccountLimits(1, 2, 3, 4, 5_000),
        new AccountLimitsPatch(1, null, 3),
        new AccountLimitsPatch(null, null, null, null, 5_000),
        new StorageCheck(false, 10, 12, 5),
        new NewAccount("Shop", 5, new AccountLimitsPatch(null, 2, null), 3),
        new AccountChanges("Shop", null, 7, false),
        new AccountSnapshot("acct_1", "Shop", true, 4, 1, AccountLimits.Default, 7, Now, Now, 3),
        new AccountSnapshot("acct_1", "Shop", true, 4, 1, AccountLimits.Default, 7, Now, Now, 3, "acct_1/branding/logo.png", 2_048),
        new CreditBalance(4, 1),
        new LedgerEntry(1, LedgerEntryKind.Grant, 5, 5, 0, "grant", null, Now),
        new CreditAdjustmentResult(CreditAdjustmentStatus.InsufficientCredits, null, null),
        new ApiKeyInfo("key_1", "server", "gk_abcdefgh", Now, null, Now),
        new IssuedApiKey(new ApiKeyInfo("key_1", "server", "gk_abcdefgh", Now, null, null), "gk_secret"),
        new ApiKeyOwner("acct_1", "key_1"),
        new ApiKeyStanding(false, 3),
        new ApiKeyVerdict(new ApiKeyOwner("acct_1", "key_1"), null),
        new CreditReservation(CreditReservationStatus.QuotaExceeded, 3, 2, 2, 2),
        CreditSettlement.Charged,
        new ImageLookup(ImageLookupStatus.OtherAccount, null),
        new ProductUpsertResult(ProductUpsertStatus.ImagesRequired, null),
        new ProductImageAnalysis("pimg_1", null, ImmutableDictionary<string, bool>.Empty, "BlockedAddress"),
        ApiKeyRevocation.AlreadyRevoked,
        ApiKeyCheck.AccountInactive,
    ];

    [Theory]
    [MemberData(nameof(Messages))]
    public void Grain_messages_round_trip(object message)
    {
        var copy = Serializer.Deserialize<object>(Serializer.SerializeToArray(message))!;
        Assert.Equal(message.GetType(), copy.GetType());
        Assert.Equal(message, copy);
    }
}
