using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Serialization;
using MarketDelivery.Contracts.Accounts;
using MarketDelivery.Grains.Accounts;

namespace MarketDelivery.Server.Auth;

/// <summary>
/// Demo accounts from <c>data/accounts.json</c>. The secrets there are demo secrets, public in the repository; an
/// account grain hashes its secret when it is first activated and keeps only the hash. A missing file means none.
/// </summary>
public sealed class DemoAccounts : IStaffAccountSeeds
{
    public const string FileName = "accounts.json";

    private readonly ImmutableDictionary<string, StaffAccountSeed> _accounts;

    public DemoAccounts(IEnumerable<StaffAccountSeed> accounts) =>
        _accounts = accounts.ToImmutableDictionary(a => a.Id, StringComparer.Ordinal);

    public IReadOnlyCollection<StaffAccountSeed> All => [.. _accounts.Values];

    public StaffAccountSeed? Find(string accountId) => _accounts.GetValueOrDefault(accountId);

    public static DemoAccounts Load(string dataDirectory)
    {
        var path = Path.Combine(dataDirectory, FileName);
        if (!File.Exists(path))
        {
            return new DemoAccounts([]);
        }

        var json = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false) },
        };

        AccountsFile file;
        try
        {
            file = JsonSerializer.Deserialize<AccountsFile>(File.ReadAllText(path), json) ?? throw new JsonException("empty file");
        }
        catch (JsonException ex)
        {
            throw new InvalidOperationException($"{path}: not a valid accounts file: {ex.Message}", ex);
        }

        var seeds = new List<StaffAccountSeed>();
        foreach (var (entry, i) in (file.Accounts ?? []).Select((a, i) => (a, i)))
        {
            var problem = Api.InputRules.IdProblem(entry.Id)
                ?? (string.IsNullOrEmpty(entry.Password) ? "a password or PIN is required" : null)
                ?? (entry.Roles is not { Count: > 0 } ? "at least one role is required" : null)
                ?? entry.Roles!.Select(r => r.Role != AccountRole.Admin && Api.InputRules.IdProblem(r.Scope) is { } p ? $"role {r.Role}: scope {p}" : null)
                    .FirstOrDefault(p => p is not null);
            if (problem is not null)
            {
                throw new InvalidOperationException($"{path}: accounts[{i}] ({entry.Id}): {problem}");
            }

            seeds.Add(new StaffAccountSeed(entry.Id!, entry.Name ?? entry.Id!, entry.Password!,
                [.. entry.Roles!.Select(r => new RoleGrant(r.Role, r.Role == AccountRole.Admin ? null : r.Scope))]));
        }

        var duplicate = seeds.GroupBy(s => s.Id).FirstOrDefault(g => g.Count() > 1);
        return duplicate is null ? new DemoAccounts(seeds) : throw new InvalidOperationException($"{path}: account '{duplicate.Key}' appears twice.");
    }

    private sealed record AccountsFile(List<AccountEntry>? Accounts);

    private sealed record AccountEntry(string? Id, string? Name, string? Password, List<RoleEntry>? Roles);

    private sealed record RoleEntry(AccountRole Role, string? Scope);
}
