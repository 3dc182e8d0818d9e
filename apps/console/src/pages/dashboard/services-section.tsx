import { formatDateTime, formatDuration } from '../../ui/format';
import { QueryView } from '../../ui/states';
import { StatusBadge } from '../../ui/status-badge';
import { useServices, type ServiceEntry } from './dashboard-queries';

/** Every module of the platform: in this process or remote, healthy or not, and how fast it answers. */
export function ServicesSection() {
  const services = useServices();
  return (
    <section className="dashboard-section" aria-labelledby="services-title">
      <div className="dashboard-section-header">
        <h2 id="services-title">Services</h2>
        {services.data && <span className="muted">Topology: {services.data.topology}</span>}
      </div>
      <QueryView query={services} loadingLabel="Checking the services…">
        {(answer) => (
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">Module</th>
                  <th scope="col">Health</th>
                  <th scope="col">Runs</th>
                  <th scope="col">Address</th>
                  <th scope="col">Latency</th>
                  <th scope="col">Version</th>
                  <th scope="col">Last check</th>
                </tr>
              </thead>
              <tbody>
                {answer.items.map((service) => (
                  <tr key={service.name}>
                    <th scope="row" className="service-name">
                      {service.name}
                    </th>
                    <td>
                      <StatusBadge status={service.status} />
                      {service.detail && <div className="service-detail">{service.detail}</div>}
                    </td>
                    <td>
                      <StatusBadge status={service.mode} />
                    </td>
                    <td className="service-address">
                      <Address service={service} />
                    </td>
                    <td className="numeric">{formatDuration(service.latency_ms)}</td>
                    <td>{service.version}</td>
                    <td className="numeric">{formatDateTime(service.last_check)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </QueryView>
    </section>
  );
}

function Address({ service }: { service: ServiceEntry }) {
  if (service.mode === 'local') return <span className="muted">in process</span>;
  const replicas = service.replicas ?? [];
  if (replicas.length > 1) {
    const healthy = replicas.filter((replica) => replica.status === 'ok').length;
    return (
      <>
        <code>{service.url ?? replicas[0]?.url}</code>
        <div className="muted">
          {replicas.length} replicas, {healthy} healthy
        </div>
      </>
    );
  }
  return <code>{service.url ?? service.urls[0] ?? '—'}</code>;
}
