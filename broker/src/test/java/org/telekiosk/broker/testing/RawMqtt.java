package org.telekiosk.broker.testing;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * An MQTT 5 client of a few packets, written byte by byte over TLS, for what a library client refuses to send: a
 * PUBLISH larger than the server's Maximum Packet Size (Paho checks it before sending). MQTT 5 §2.1 (fixed header),
 * §1.5.5 (variable byte integer), §3.1 (CONNECT), §3.2 (CONNACK), §3.14 (DISCONNECT).
 */
public final class RawMqtt implements AutoCloseable {
    private final SSLSocket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private final Map<Integer, Long> connackProperties;

    private RawMqtt(SSLSocket socket, DataInputStream in, Map<Integer, Long> connackProperties) throws IOException {
        this.socket = socket;
        this.in = in;
        this.out = socket.getOutputStream();
        this.connackProperties = connackProperties;
    }

    /** Connects with a clean start and reads CONNACK; throws unless its reason code is 0 (success). */
    public static RawMqtt connect(String host, int port, SSLContext tls, String clientId) throws IOException {
        SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket(host, port);
        socket.setSoTimeout(30_000);
        ByteArrayOutputStream variable = new ByteArrayOutputStream();
        writeString(variable, "MQTT");
        variable.write(5);          // protocol version
        variable.write(0x02);       // clean start
        variable.write(0);
        variable.write(60);         // keep alive 60 s
        variable.write(0);          // no properties
        writeString(variable, clientId);
        OutputStream out = socket.getOutputStream();
        out.write(0x10);
        out.write(varInt(variable.size()));
        variable.writeTo(out);
        out.flush();
        DataInputStream in = new DataInputStream(socket.getInputStream());
        int type = in.readUnsignedByte();
        if (type != 0x20) {
            throw new IOException("expected CONNACK, got packet type " + Integer.toHexString(type));
        }
        DataInputStream body = new DataInputStream(new java.io.ByteArrayInputStream(in.readNBytes(readVarInt(in))));
        body.readUnsignedByte();    // acknowledge flags
        int reason = body.readUnsignedByte();
        if (reason != 0) {
            throw new IOException("CONNACK reason 0x" + Integer.toHexString(reason));
        }
        return new RawMqtt(socket, in, properties(body));
    }

    /** The CONNACK's Maximum Packet Size (property 0x27), or -1 if the server announced none. */
    public long maximumPacketSize() {
        return connackProperties.getOrDefault(0x27, -1L);
    }

    /**
     * Writes the fixed and variable header of a QoS 0 PUBLISH to {@code topic} announcing a payload of
     * {@code payloadLength} bytes; the payload is for the caller to write (or not).
     */
    public void publishHeader(String topic, int payloadLength) throws IOException {
        ByteArrayOutputStream variable = new ByteArrayOutputStream();
        writeString(variable, topic);
        variable.write(0);          // no properties
        out.write(0x30);
        out.write(varInt(variable.size() + payloadLength));
        variable.writeTo(out);
        out.flush();
    }

    /** Writes {@code bytes} as they are. */
    public void write(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /**
     * Reads packets until the server's DISCONNECT and returns its reason code; -1 if the connection ended without one.
     */
    public int awaitDisconnectReason() throws IOException {
        try {
            while (true) {
                int type = in.readUnsignedByte();
                byte[] body = in.readNBytes(readVarInt(in));
                if ((type & 0xF0) == 0xE0) {
                    return body.length == 0 ? 0 : body[0] & 0xFF;
                }
            }
        } catch (EOFException | SocketException ended) {
            return -1;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    private static Map<Integer, Long> properties(DataInputStream body) throws IOException {
        Map<Integer, Long> found = new HashMap<>();
        if (body.available() == 0) {
            return found;
        }
        int length = readVarInt(body);
        DataInputStream props = new DataInputStream(new java.io.ByteArrayInputStream(body.readNBytes(length)));
        while (props.available() > 0) {
            int id = readVarInt(props);
            switch (id) {
                case 0x01, 0x17, 0x19, 0x24, 0x25, 0x28, 0x29, 0x2A -> found.put(id, (long) props.readUnsignedByte());
                case 0x13, 0x21, 0x22, 0x23 -> found.put(id, (long) props.readUnsignedShort());
                case 0x02, 0x11, 0x18, 0x27 -> found.put(id, props.readInt() & 0xFFFFFFFFL);
                case 0x0B -> found.put(id, (long) readVarInt(props));
                case 0x26 -> {
                    props.readNBytes(props.readUnsignedShort());
                    props.readNBytes(props.readUnsignedShort());
                }
                default -> props.readNBytes(props.readUnsignedShort()); // strings and binary data
            }
        }
        return found;
    }

    private static void writeString(ByteArrayOutputStream out, String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        out.write(bytes.length >> 8);
        out.write(bytes.length & 0xFF);
        out.writeBytes(bytes);
    }

    static byte[] varInt(int value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        do {
            int digit = value % 128;
            value /= 128;
            out.write(value > 0 ? digit | 0x80 : digit);
        } while (value > 0);
        return out.toByteArray();
    }

    private static int readVarInt(DataInputStream in) throws IOException {
        int value = 0;
        for (int shift = 0; shift < 28; shift += 7) {
            int b = in.readUnsignedByte();
            value |= (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return value;
            }
        }
        throw new IOException("malformed variable byte integer");
    }
}
