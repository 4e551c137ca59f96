using TryOn.Contracts.Accounts;
using TryOn.Contracts.Errors;
using TryOn.Pipeline.Images;
using TryOn.Storage.Blobs;
using TryOn.Web.Errors;
using TryOn.Web.Images;

namespace TryOn.Web.Accounts;

/// <summary>What setting a logo came to: the account afterwards, or why the file was refused; neither when there is no such account.</summary>
internal sealed record LogoChange(AccountSnapshot? Account, ApiError? Refusal);

/// <summary>
/// The account's watermark logo, one set of rules for the admin API and the dashboard: a PNG (so transparency is kept),
/// normalised by the image pipeline, within the account's storage quota, written first and then recorded on the
/// account, whose grain deletes the logo it replaces; a write the account did not record is deleted again.
/// </summary>
internal sealed class AccountLogo(IGrainFactory grains, ImagePipeline pipeline, IBlobStore blobs, StorageQuota quota)
{
    public async Task<LogoChange> SetAsync(string accountId, byte[] content, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        if (ImageSniffer.Detect(content) != ImageFormat.Png)
        {
            return new LogoChange(null, ApiError.Of(ErrorCodes.UnsupportedImageType, "The logo must be a PNG (transparency is kept)."));
        }

        var normalized = pipeline.Normalize(content);
        if (normalized.Rejection is { } rejection)
        {
            return new LogoChange(null, ImageErrors.From(rejection));
        }

        if (await quota.CheckAsync(accountId, normalized.Value!.Bytes.Length, cancellationToken) is { } overQuota)
        {
            return new LogoChange(null, overQuota);
        }

        var blobKey = AccountBlobs.NewLogo(accountId, png: normalized.Value.Format == ImageFormat.Png);
        var account = await blobs.WriteThenRecordAsync(
            blobKey,
            normalized.Value.Bytes,
            () => grains.GetGrain<IAccountGrain>(accountId).SetLogoAsync(blobKey, CancellationToken.None),
            recorded: snapshot => snapshot is not null);
        return new LogoChange(account, null);
    }

    /// <summary>Stops stamping results; null when there is no such account.</summary>
    public Task<AccountSnapshot?> RemoveAsync(string accountId, CancellationToken cancellationToken) =>
        grains.GetGrain<IAccountGrain>(accountId).SetLogoAsync(null, cancellationToken);
}
