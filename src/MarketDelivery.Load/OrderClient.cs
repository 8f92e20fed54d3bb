using System.Diagnostics;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace MarketDelivery.Load;

/// <summary>One HTTP answer as the benchmark needs it: status (null when none came), body, and time taken.</summary>
public readonly record struct Answer(int? Status, JsonNode? Body, double Milliseconds, string? Error)
{
    public bool Ok => Status is >= 200 and < 300;

    /// <summary>The problem+json title of a refusal, or the transport error.</summary>
    public string? Title => Error ?? (Body as JsonObject)?["title"]?.ToString();
}

/// <summary>
/// The API calls the benchmark makes, each timed from just before sending until the body has been read, each signed
/// in as who would make it: the customer places and reads their order, the stall's merchant confirms its ticket, an
/// admin verifies. Tokens come from <see cref="DevTokens"/>, fetched on first use, outside the timed request.
/// </summary>
public sealed class OrderClient(HttpClient http, DevTokens tokens, TimeSpan timeout)
{
    public async Task<Answer> PlaceAsync(GeneratedOrder order, CancellationToken ct)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "api/orders")
        {
            Content = new StringContent(order.Body, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("Idempotency-Key", order.IdempotencyKey);
        request.Headers.Authorization = await tokens.Bearer("customer", order.CustomerId, ct);
        return await SendAsync(request, ct);
    }

    /// <summary>Reads an order as its customer, or as an admin when <paramref name="customerId"/> is null.</summary>
    public async Task<Answer> GetOrderAsync(string orderId, string? customerId, CancellationToken ct)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, $"api/orders/{Uri.EscapeDataString(orderId)}");
        request.Headers.Authorization = customerId is null ? await tokens.Bearer("admin", "load", ct) : await tokens.Bearer("customer", customerId, ct);
        return await SendAsync(request, ct);
    }

    /// <summary>The stall confirms every line of its ticket as picked in full.</summary>
    public async Task<Answer> ConfirmTicketAsync(string stallId, string ticketId, IEnumerable<(string Sku, int Quantity)> lines, CancellationToken ct)
    {
        var body = new JsonObject
        {
            ["lines"] = new JsonArray([.. lines.Select(l => (JsonNode)new JsonObject { ["sku"] = l.Sku, ["pickedQuantity"] = l.Quantity })]),
        };
        var request = new HttpRequestMessage(HttpMethod.Post, $"api/stalls/{Uri.EscapeDataString(stallId)}/tickets/{Uri.EscapeDataString(ticketId)}/confirm")
        {
            Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = await tokens.Bearer("merchant", stallId, ct);
        return await SendAsync(request, ct);
    }

    private async Task<Answer> SendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        using var _ = request;
        using var timeoutCts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeoutCts.CancelAfter(timeout);
        var started = Stopwatch.GetTimestamp();
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, timeoutCts.Token);
            var text = await response.Content.ReadAsStringAsync(timeoutCts.Token);
            var ms = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            JsonNode? json = null;
            if (text.Length > 0 && response.Content.Headers.ContentType?.MediaType?.Contains("json", StringComparison.OrdinalIgnoreCase) == true)
            {
                try
                {
                    json = JsonNode.Parse(text);
                }
                catch (JsonException)
                {
                }
            }

            return new Answer((int)response.StatusCode, json, ms, null);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return new Answer(null, null, Stopwatch.GetElapsedTime(started).TotalMilliseconds, "timeout");
        }
        catch (HttpRequestException e)
        {
            return new Answer(null, null, Stopwatch.GetElapsedTime(started).TotalMilliseconds, e.HttpRequestError.ToString());
        }
    }

    public static HttpClient CreateHttpClient(Uri baseAddress, int connections) =>
        new(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = Math.Max(1, connections),
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(2),
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
        })
        {
            BaseAddress = baseAddress,
            Timeout = Timeout.InfiniteTimeSpan,
        };
}

/// <summary>
/// Access tokens from the server's Development-only <c>POST api/dev/tokens</c> (the contract ../shared/tools/loadgen
/// uses with --dev-tokens), one per role and id, fetched once and kept.
/// </summary>
public sealed class DevTokens(HttpClient http)
{
    private readonly ConcurrentDictionary<(string Role, string Id), Lazy<Task<AuthenticationHeaderValue>>> _tokens = new();

    public Task<AuthenticationHeaderValue> Bearer(string role, string id, CancellationToken ct) =>
        _tokens.GetOrAdd((role, id), key => new Lazy<Task<AuthenticationHeaderValue>>(() => Fetch(key.Role, key.Id, ct))).Value;

    private async Task<AuthenticationHeaderValue> Fetch(string role, string id, CancellationToken ct)
    {
        var body = new JsonObject { ["role"] = role, ["id"] = id }.ToJsonString();
        using var response = await http.PostAsync("api/dev/tokens", new StringContent(body, Encoding.UTF8, "application/json"), ct);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException(
                $"POST api/dev/tokens answered {(int)response.StatusCode}: the server must run in the Development environment for load runs to sign in.");
        }

        var token = JsonNode.Parse(await response.Content.ReadAsStringAsync(ct))?["accessToken"]?.GetValue<string>()
                    ?? throw new InvalidOperationException("POST api/dev/tokens answered without an accessToken.");
        return new AuthenticationHeaderValue("Bearer", token);
    }
}
