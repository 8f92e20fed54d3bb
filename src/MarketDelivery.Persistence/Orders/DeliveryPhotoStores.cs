using System.Collections.Concurrent;
using System.Globalization;
using MarketDelivery.Contracts.Orders;
using MarketDelivery.Domain.Orders;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace MarketDelivery.Persistence.Orders;

/// <summary>Delivery photos in <c>md_delivery_photos</c> on PostgreSQL, beside the orders they prove.</summary>
public sealed class PostgresDeliveryPhotoStore(NpgsqlDataSource dataSource, string serviceId) : IDeliveryPhotoStore
{
    public async Task SaveAsync(DeliveryPhoto photo, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("""
            INSERT INTO md_delivery_photos (service_id, order_id, photo_id, courier_id, content_type, content, uploaded_at)
            VALUES (@service, @order, @photo, @courier, @type, @content, @uploaded)
            ON CONFLICT (service_id, order_id, photo_id) DO NOTHING
            """);
        var p = command.Parameters;
        p.AddWithValue("service", serviceId);
        p.AddWithValue("order", photo.OrderId);
        p.AddWithValue("photo", photo.PhotoId);
        p.AddWithValue("courier", photo.CourierId);
        p.AddWithValue("type", photo.ContentType);
        p.AddWithValue("content", photo.Content);
        p.AddWithValue("uploaded", photo.UploadedAt.UtcDateTime);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<DeliveryPhoto?> ReadAsync(string orderId, string photoId, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT courier_id, content_type, content, uploaded_at FROM md_delivery_photos
            WHERE service_id = @service AND order_id = @order AND photo_id = @photo
            """);
        command.Parameters.AddWithValue("service", serviceId);
        command.Parameters.AddWithValue("order", orderId);
        command.Parameters.AddWithValue("photo", photoId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new DeliveryPhoto(orderId, photoId, reader.GetString(0), reader.GetString(1), (byte[])reader[2],
                new DateTimeOffset(reader.GetDateTime(3), TimeSpan.Zero))
            : null;
    }
}

/// <summary>Delivery photos in <c>md_delivery_photos</c> of the embedded SQLite file.</summary>
public sealed class SqliteDeliveryPhotoStore(string connectionString, string serviceId) : IDeliveryPhotoStore
{
    public async Task SaveAsync(DeliveryPhoto photo, CancellationToken cancellationToken = default)
    {
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO md_delivery_photos (service_id, order_id, photo_id, courier_id, content_type, content, uploaded_at)
            VALUES (@service, @order, @photo, @courier, @type, @content, @uploaded)
            ON CONFLICT (service_id, order_id, photo_id) DO NOTHING
            """;
        var p = command.Parameters;
        p.AddWithValue("@service", serviceId);
        p.AddWithValue("@order", photo.OrderId);
        p.AddWithValue("@photo", photo.PhotoId);
        p.AddWithValue("@courier", photo.CourierId);
        p.AddWithValue("@type", photo.ContentType);
        p.AddWithValue("@content", photo.Content);
        p.AddWithValue("@uploaded", photo.UploadedAt.UtcDateTime.ToString("O", CultureInfo.InvariantCulture));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<DeliveryPhoto?> ReadAsync(string orderId, string photoId, CancellationToken cancellationToken = default)
    {
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT courier_id, content_type, content, uploaded_at FROM md_delivery_photos
            WHERE service_id = @service AND order_id = @order AND photo_id = @photo
            """;
        command.Parameters.AddWithValue("@service", serviceId);
        command.Parameters.AddWithValue("@order", orderId);
        command.Parameters.AddWithValue("@photo", photoId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new DeliveryPhoto(orderId, photoId, reader.GetString(0), reader.GetString(1), (byte[])reader[2],
                DateTimeOffset.Parse(reader.GetString(3), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal))
            : null;
    }
}

/// <summary>Delivery photos in process memory, for the Memory storage kind (nothing survives a restart).</summary>
public sealed class MemoryDeliveryPhotoStore : IDeliveryPhotoStore
{
    private readonly ConcurrentDictionary<(string OrderId, string PhotoId), DeliveryPhoto> _photos = new();

    public Task SaveAsync(DeliveryPhoto photo, CancellationToken cancellationToken = default)
    {
        _photos.TryAdd((photo.OrderId, photo.PhotoId), photo with { Content = [.. photo.Content] });
        return Task.CompletedTask;
    }

    public Task<DeliveryPhoto?> ReadAsync(string orderId, string photoId, CancellationToken cancellationToken = default) =>
        Task.FromResult(_photos.TryGetValue((orderId, photoId), out var photo) ? photo with { Content = [.. photo.Content] } : null);
}
