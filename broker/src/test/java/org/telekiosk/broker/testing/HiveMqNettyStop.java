package org.telekiosk.broker.testing;

import com.hivemq.bootstrap.NettyShutdownHook;
import com.hivemq.bootstrap.netty.NettyConfiguration;
import com.hivemq.common.shutdown.HiveMQShutdownHook;
import com.hivemq.common.shutdown.ShutdownHooks;
import com.hivemq.configuration.service.InternalConfigurations;
import com.hivemq.embedded.EmbeddedHiveMQ;
import com.hivemq.persistence.connection.ConnectionPersistence;
import io.netty.util.concurrent.Future;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telekiosk.broker.mqtt.EmbeddedMqttBroker;
import org.telekiosk.broker.server.Broker;

/**
 * The third fixed wait of a test broker's stop, removed: HiveMQ CE 2025.5 stops its Netty event loops with a quiet
 * period of 2 s written into its code ({@link NettyShutdownHook}: each group terminates only after 2 s without a task),
 * which no configuration reaches. For a broker a test started, {@link #apply} puts a shutdown hook of ours in the place
 * of that one in the broker's HiveMQ ({@code ShutdownHooks}, reached through HiveMQ's injector): it does the same two
 * steps, in the same place among HiveMQ's hooks, but lets the event loops terminate as soon as their queued tasks have
 * run (a quiet period of 0). By then every listener and client connection is closed and each client's disconnect is
 * persisted (the first step waits for that), and HiveMQ's later hooks (extensions, persistences) do not use the event
 * loops. 2.0 s less per embedded stop (docs/benchmarks.md, "Build: where the test time goes", branches {@code ci17},
 * {@code ci18}, {@code ci19}), some 90 stops a build.
 *
 * <p>Test code only, like the other test settings: {@link BrokerExtension} (in both modules), GeneratedFilesSecretTest,
 * BrokerRestartTest, QueuedReadingsRestartTest and the nodes that NodeCalls and TwoNodesIntegrationTest start
 * themselves apply it to each broker they start, hardware-tests' {@code RawMqttBroker} to its bare embedded HiveMQ ({@code TestJvmSettingsTest} finds any test source of the module that
 * calls {@code Broker.start} without it), and it acts only where
 * {@link HiveMqTestSettings} is in force (registered in the test JVM's {@code META-INF/services}, not with
 * {@code -Dtelekiosk.test.production-settings=true}, not after {@link HiveMqTestSettings#useHiveMqDefaults}). The
 * broker in production, and every broker process a system test starts, keep HiveMQ's own hook.
 *
 * <p>HiveMQ's internals are reached by reflection where their types are not on the test's compile class path (Guice's
 * injector, Guava's collections and futures: HiveMQ's runtime dependencies): {@code EmbeddedHiveMQImpl.getInjector}
 * (package-private) and the {@code hivemq} field of {@link EmbeddedMqttBroker}. Should a HiveMQ upgrade change them,
 * {@link #apply} fails the test that starts the broker, with the reason.
 */
public final class HiveMqNettyStop {
    private static final Logger LOG = LoggerFactory.getLogger(HiveMqNettyStop.class);

    private HiveMqNettyStop() {
    }

    /**
     * Puts the hook without a quiet period in place of HiveMQ's in {@code broker}'s embedded HiveMQ, if the test
     * settings are in force and the broker has an embedded HiveMQ ({@code mqtt.external-host} unset). Call it right
     * after the start, before anything could stop the broker.
     *
     * @return {@code broker}
     */
    public static Broker apply(Broker broker) {
        if (!HiveMqTestSettings.inForce() || broker.config().externalMqtt().enabled()) {
            return broker;
        }
        replaceHook(injector(broker));
        return broker;
    }

    /**
     * As {@link #apply(Broker)}, for a bare embedded HiveMQ a test started itself (hardware-tests' raw MQTT ceiling),
     * started: acts only where the test settings are in force (not in a benchmark run as a {@code main}).
     *
     * @return {@code hivemq}
     */
    public static EmbeddedHiveMQ apply(EmbeddedHiveMQ hivemq) {
        if (HiveMqTestSettings.inForce()) {
            replaceHook(injector((Object) hivemq));
        }
        return hivemq;
    }

    /** Whether {@code hivemq} will stop its event loops with our hook and not with HiveMQ's. */
    public static boolean isApplied(EmbeddedHiveMQ hivemq) {
        return isApplied(injector((Object) hivemq));
    }

    private static void replaceHook(Object injector) {
        ShutdownHooks hooks = instance(injector, ShutdownHooks.class);
        EventLoopsStop ours = new EventLoopsStop(instance(injector, NettyConfiguration.class),
                instance(injector, ConnectionPersistence.class));
        // add/remove are synchronized on the registry: holding its lock keeps the order of the hooks we re-add.
        synchronized (hooks) {
            List<HiveMQShutdownHook> medium = new ArrayList<>();
            for (HiveMQShutdownHook hook : registered(hooks)) {
                if (hook.priority() == HiveMQShutdownHook.Priority.MEDIUM) {
                    medium.add(hook);
                }
            }
            if (medium.stream().noneMatch(NettyShutdownHook.class::isInstance)) {
                throw new IllegalStateException("HiveMQ registered no " + NettyShutdownHook.class.getName()
                        + " (hooks of priority MEDIUM: " + medium + "); has HiveMQ changed?");
            }
            // Same priority, same place among the hooks of that priority (HiveMQ runs them in the order added).
            medium.forEach(hooks::remove);
            medium.forEach(hook -> hooks.add(hook instanceof NettyShutdownHook ? ours : hook));
        }
    }

    /** Whether {@code broker}'s embedded HiveMQ will stop its event loops with our hook and not with HiveMQ's. */
    public static boolean isApplied(Broker broker) {
        return isApplied(injector(broker));
    }

    private static boolean isApplied(Object injector) {
        ShutdownHooks hooks = instance(injector, ShutdownHooks.class);
        synchronized (hooks) {
            Collection<HiveMQShutdownHook> registered = registered(hooks);
            return registered.stream().anyMatch(EventLoopsStop.class::isInstance)
                    && registered.stream().noneMatch(NettyShutdownHook.class::isInstance);
        }
    }

    /**
     * HiveMQ's {@code NettyShutdownHook}'s two steps, without its quiet period: close the listeners and the client
     * connections and wait until each client's disconnect is handled (bounded as HiveMQ bounds it), then shut the
     * event loop groups down with a quiet period of 0 and wait for them. A group with a quiet period of 0 still runs
     * every task already queued before it terminates.
     */
    private record EventLoopsStop(NettyConfiguration netty, ConnectionPersistence connections)
            implements HiveMQShutdownHook {
        @Override
        public String name() {
            return "Netty Shutdown (tests: no quiet period)";
        }

        @Override
        public Priority priority() {
            return Priority.MEDIUM;
        }

        @Override
        public void run() {
            try {
                // The return type is Guava's ListenableFuture, not on the compile class path: a Future all the same.
                java.util.concurrent.Future<?> closed = (java.util.concurrent.Future<?>) invoke(
                        ConnectionPersistence.class.getMethod("shutDown"), connections);
                closed.get(InternalConfigurations.CONNECTION_PERSISTENCE_SHUTDOWN_TIMEOUT_SEC, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                LOG.warn("Interrupted while HiveMQ closed its listeners and client connections");
            } catch (ExecutionException | TimeoutException | NoSuchMethodException e) {
                LOG.warn("HiveMQ did not close its listeners and client connections cleanly: {}", e.toString());
            } finally {
                connections.interruptShutdown();
            }
            int timeout = InternalConfigurations.EVENT_LOOP_GROUP_SHUTDOWN_TIMEOUT_SEC;
            Future<?> children = netty.getChildEventLoopGroup().shutdownGracefully(0, timeout, TimeUnit.SECONDS);
            Future<?> parents = netty.getParentEventLoopGroup().shutdownGracefully(0, timeout, TimeUnit.SECONDS);
            children.syncUninterruptibly();
            parents.syncUninterruptibly();
        }
    }

    /** The embedded HiveMQ's Guice injector (typed {@code Object}: Guice is HiveMQ's runtime dependency). */
    private static Object injector(Broker broker) {
        try {
            Field field = EmbeddedMqttBroker.class.getDeclaredField("hivemq");
            field.setAccessible(true);
            return injector(field.get(broker.mqtt()));
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot reach the embedded HiveMQ's injector: " + e, e);
        }
    }

    /** {@code hivemq}'s ({@code EmbeddedHiveMQImpl}'s) Guice injector. */
    private static Object injector(Object hivemq) {
        try {
            Method getInjector = hivemq.getClass().getDeclaredMethod("getInjector");
            getInjector.setAccessible(true);
            Object injector = getInjector.invoke(hivemq);
            if (injector == null) {
                throw new IllegalStateException("the embedded HiveMQ has no injector: not started?");
            }
            return injector;
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot reach the embedded HiveMQ's injector: " + e, e);
        }
    }

    /**
     * HiveMQ's one instance of {@code type}; refuses a type that is not bound as a singleton (a new instance of
     * {@link NettyConfiguration} would be new event loop groups, not the broker's).
     */
    private static <T> T instance(Object injector, Class<T> type) {
        try {
            Class<?> injectorType = Class.forName("com.google.inject.Injector");
            Class<?> bindingType = Class.forName("com.google.inject.Binding");
            Object binding = invoke(injectorType.getMethod("getBinding", Class.class), injector, type);
            boolean singleton = (Boolean) invoke(Class.forName("com.google.inject.Scopes")
                    .getMethod("isSingleton", bindingType), null, binding);
            if (!singleton) {
                throw new IllegalStateException(type.getName() + " is not bound as a singleton in HiveMQ's injector");
            }
            return type.cast(invoke(injectorType.getMethod("getInstance", Class.class), injector, type));
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot get " + type.getName() + " from HiveMQ's injector: " + e, e);
        }
    }

    /** The registry's hooks in the order HiveMQ runs them ({@code getShutdownHooks()} is a Guava multimap). */
    @SuppressWarnings("unchecked")
    private static Collection<HiveMQShutdownHook> registered(ShutdownHooks hooks) {
        try {
            Object multimap = invoke(ShutdownHooks.class.getMethod("getShutdownHooks"), hooks);
            return List.copyOf((Collection<HiveMQShutdownHook>) invoke(
                    Class.forName("com.google.common.collect.Multimap").getMethod("values"), multimap));
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot read HiveMQ's shutdown hooks: " + e, e);
        }
    }

    private static Object invoke(Method method, Object target, Object... args) {
        try {
            return method.invoke(target, args);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException(e.getCause());
        }
    }
}
