using System.Globalization;
using TryOn.Contracts.Paging;
using TryOn.Web.Errors;

namespace TryOn.Web.Paging;

/// <summary>The list response every paged endpoint answers (docs/api.md, Conventions).</summary>
internal sealed record ListResponse<T>(IReadOnlyList<T> Items, string? NextCursor, bool HasMore, int Count);

internal static class ListQuery
{
    /// <summary>
    /// Reads <c>limit</c> (1–200, default 50) and the opaque <c>cursor</c>. Both arrive as raw strings so that a bad
    /// value is a <c>VALIDATION_FAILED</c> naming the parameter, not a binding failure.
    /// </summary>
    public static bool TryParse(string? limit, string? cursor, out PageRequest page, out ApiError? error)
    {
        page = new PageRequest(null, PageRequest.DefaultLimit);
        error = null;
        var size = PageRequest.DefaultLimit;
        if (limit is not null
            && (!int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out size) || size is < 1 or > PageRequest.MaxLimit))
        {
            error = ApiError.QueryValidation("limit", $"Expected an integer from 1 to {PageRequest.MaxLimit}.");
            return false;
        }

        string? after = null;
        if (cursor is not null && !PageCursor.TryDecode(cursor, out after))
        {
            error = ApiError.QueryValidation("cursor", "Not a cursor returned by this list.");
            return false;
        }

        page = new PageRequest(after, size);
        return true;
    }

    public static ListResponse<TOut> ToResponse<TIn, TOut>(this Page<TIn> page, Func<TIn, TOut> map) =>
        new(
            [.. page.Items.Select(map)],
            page.NextAfter is null ? null : PageCursor.Encode(page.NextAfter),
            page.HasMore,
            page.Items.Count);
}
