import { RedisModule } from '../../kernel';

@RedisModule({ name: 'keys' })
export default class KeysModule {}
