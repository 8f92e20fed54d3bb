using System.Diagnostics;
using System.Net;
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

/// <summary>The API calls the benchmark makes, each timed from just before sending until the body has been read.</summary>
public sealed class OrderClient(HttpClient http, TimeSpan timeout)
{
    public Task<Answer> PlaceAsync(GeneratedOrder order, CancellationToken ct)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "api/orders")
        {
            Content = new StringContent(order.Body, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("Idempotency-Key", order.IdempotencyKey);
        return SendAsync(request, ct);
    }

    public Task<Answer> GetOrderAsync(string orderId, CancellationToken ct) =>
        SendAsync(new HttpRequestMessage(HttpMethod.Get, $"api/orders/{Uri.EscapeDataString(orderId)}"), ct);

    /// <summary>The stall confirms every line of its ticket as picked in full.</summary>
    public Task<Answer> ConfirmTicketAsync(string stallId, string ticketId, IEnumerable<(string Sku, int Quantity)> lines, CancellationToken ct)
    {
        var body = new JsonObject
        {
            ["lines"] = new JsonArray([.. lines.Select(l => (JsonNode)new JsonObject { ["sku"] = l.Sku, ["pickedQuantity"] = l.Quantity })]),
        };
        var request = new HttpRequestMessage(HttpMethod.Post, $"api/stalls/{Uri.EscapeDataString(stallId)}/tickets/{Uri.EscapeDataString(ticketId)}/confirm")
        {
            Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        return SendAsync(request, ct);
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
