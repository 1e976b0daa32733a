using IntegrationServices.ServiceDefaults.Api;
using IntegrationServices.ServiceDefaults.Errors;
using Microsoft.Extensions.Time.Testing;

namespace IntegrationServices.ServiceDefaults.Tests;

public sealed class PagingTests
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 30, 12, 0, 0, TimeSpan.Zero));
    private readonly List<DateTime> _nows = [];

    private Task<Page<int>> PageAsync(int size, string token, string selection = "numbers") =>
        Paging.Page<int, int>(size, token, selection, _clock, cursor =>
        {
            _nows.Add(cursor.Now);
            return Task.FromResult<IReadOnlyList<int>>(Enumerable.Range(1, 7).Where(n => n > cursor.After).Take(cursor.Limit).ToList());
        }, n => n);

    [Fact]
    public async Task Pages_follow_each_other_to_an_empty_token_with_now_fixed_by_the_first()
    {
        var seen = new List<int>();
        var token = "";
        do
        {
            var page = await PageAsync(3, token);
            seen.AddRange(page.Rows);
            token = page.NextPageToken;
            _clock.Advance(TimeSpan.FromHours(1));
        } while (token.Length > 0);
        Assert.Equal([1, 2, 3, 4, 5, 6, 7], seen);
        Assert.Equal(3, _nows.Count);
        Assert.All(_nows, now => Assert.Equal(new DateTime(2026, 11, 30, 12, 0, 0), now));
    }

    [Fact]
    public async Task Sizes_default_clamp_and_refuse_negatives()
    {
        Assert.Equal(7, (await PageAsync(0, "")).Rows.Count);
        Assert.Equal(7, (await PageAsync(5000, "")).Rows.Count);
        var e = await Assert.ThrowsAsync<ServiceException>(() => PageAsync(-1, ""));
        Assert.Equal("page_size", Assert.Single(e.Violations).Field);
    }

    [Fact]
    public async Task A_token_of_another_selection_or_altered_is_refused()
    {
        var token = (await PageAsync(2, "")).NextPageToken;
        Assert.Equal("page_token", Assert.Single((await Assert.ThrowsAsync<ServiceException>(() => PageAsync(2, token, "other"))).Violations).Field);
        var altered = token[..^2] + (token[^2] == 'A' ? "BB" : "AA");
        await Assert.ThrowsAsync<ServiceException>(() => PageAsync(2, altered));
        await Assert.ThrowsAsync<ServiceException>(() => PageAsync(2, "not a token"));
    }

    [Fact]
    public async Task A_page_ends_before_its_rows_exceed_the_byte_budget_and_the_next_page_goes_on_from_there()
    {
        // Rows of 1 to 7 "bytes" each; at most 10 per page.
        Task<Page<int>> Budgeted(string token) => Paging.Page<int, int>(50, token, "numbers", _clock,
            cursor => Task.FromResult<IReadOnlyList<int>>(Enumerable.Range(1, 7).Where(n => n > cursor.After).Take(cursor.Limit).ToList()),
            n => n, sizeOf: n => n, maxBytes: 10);
        var pages = new List<IReadOnlyList<int>>();
        var token = "";
        do
        {
            var page = await Budgeted(token);
            pages.Add(page.Rows);
            token = page.NextPageToken;
        } while (token.Length > 0);
        Assert.Equal([[1, 2, 3, 4], [5], [6], [7]], pages);
    }

    [Fact]
    public async Task A_row_larger_than_the_budget_still_comes_alone_so_paging_moves_on()
    {
        var page = await Paging.Page<int, int>(50, "", "numbers", _clock,
            cursor => Task.FromResult<IReadOnlyList<int>>([100, 200]), n => n, sizeOf: n => n, maxBytes: 10);
        Assert.Equal([100], page.Rows);
        Assert.NotEqual("", page.NextPageToken);
    }
}
