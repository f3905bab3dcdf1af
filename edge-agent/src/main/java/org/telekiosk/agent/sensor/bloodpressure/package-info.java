/**
 * A blood-pressure monitor on a UART: the driver ({@link BloodPressureMonitor}),
 * its serial port ({@link SerialPort}, on jSerialComm because Pi4J 4 has no
 * serial API), and a simulated monitor for {@code --simulate} and tests.
 *
 * <h2>The protocol</h2>
 *
 * <p>The Telekiosk monitor protocol, version 1 (also in {@code docs/hardware.md}, "Blood-pressure monitor protocol").
 * The host sends a command frame; the monitor answers every well-formed command with one reply frame within 200 ms.
 * The line runs at 9600 baud, 8 data bits, no parity, 1 stop bit, no flow control.
 *
 * <pre>
 *  STX   LEN   CODE  PAYLOAD          CRC   ETX
 *  0x02  1..33 1 B   0..32 bytes      1 B   0x03
 * </pre>
 *
 * <ul>
 *   <li>LEN counts CODE and PAYLOAD: 1 + payload length.</li>
 *   <li>CRC is CRC-8 over LEN, CODE and PAYLOAD: polynomial 0x07 (x^8 + x^2 + x + 1), initial value 0x00, not
 *       reflected, no final XOR ("CRC-8/SMBUS"; check value 0xF4 over ASCII "123456789").</li>
 *   <li>Numbers of two bytes are unsigned, big-endian.</li>
 *   <li>A receiver finds a frame at an STX whose LEN is 1..33 and whose ETX sits at offset LEN + 3. Otherwise that STX
 *       is noise: it is skipped and the search resumes at the next byte. A frame whose framing holds but whose CRC
 *       does not is damaged: the monitor ignores it (no reply); the host reports a checksum error.</li>
 * </ul>
 *
 * <table>
 *   <caption>Commands and replies (reply code = command code | 0x80)</caption>
 *   <tr><th>command</th><th>code</th><th>reply payload</th></tr>
 *   <tr><td>START_MEASUREMENT</td><td>0x01</td><td>none (0x81): the cuff starts inflating</td></tr>
 *   <tr><td>READ_STATUS</td><td>0x02</td><td>state (1), error code (1), cuff pressure mm[Hg] (2) (0x82)</td></tr>
 *   <tr><td>READ_RESULT</td><td>0x03</td><td>systolic, diastolic, mean arterial pressure in mm[Hg], pulse in /min,
 *       two bytes each (0x83)</td></tr>
 *   <tr><td>ABORT</td><td>0x04</td><td>none (0x84): the cuff deflates, state IDLE</td></tr>
 *   <tr><td>(refusal)</td><td>0x7F NAK</td><td>refused command code (1), reason (1): 0x01 unknown command, 0x02 busy
 *       (START during a measurement), 0x03 no result, 0x04 wrong payload length</td></tr>
 * </table>
 *
 * <p>States: 0x00 IDLE, 0x01 INFLATING, 0x02 MEASURING, 0x03 DONE, 0x04 ERROR. Error codes (0x00 unless the state is
 * ERROR): 0x01 cuff loose, 0x02 motion, 0x03 over-pressure, 0x04 low battery, 0x05 timeout.
 *
 * <p>Examples: READ_STATUS is {@code 02 01 02 1B 03}; the reply "measuring, no error, 150 mm[Hg]" is
 * {@code 02 05 82 02 00 00 96 19 03}; the result 120/80 mm[Hg], mean 93, pulse 72 is
 * {@code 02 09 83 00 78 00 50 00 5D 00 48 F3 03}.
 */
package org.telekiosk.agent.sensor.bloodpressure;
