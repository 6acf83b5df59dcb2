import { RedisModule } from '../../kernel';

@RedisModule({ name: 'server' })
export default class ServerModule {}
